import LockProfFormat

/// Sums one file's `contention` and `release` events per lock and per stack, the way
/// ``LockEventTally`` does, but without hashing: the events are nearly all of a trace's records,
/// and three dictionary look-ups per event were half of `lockprof report`'s time
/// (docs/performance.md). ``fold(into:)`` hands the sums to a ``ProcessTrace`` as ordinary
/// tallies, so the result is exactly that of ``ProcessTrace/add(_:)`` on every event.
///
/// The runtime numbers locks and stacks from 1 in each trace, so ids index arrays directly.
/// Memory stays bounded on any input: a lock id of ``denseLockLimit`` or more, a stack id of
/// ``denseStackLimit`` or more, or a stack table that would pass ``denseCellBudget`` cells in all,
/// goes to an ordinary ``LockEventTally`` instead (slower, same result).
///
/// ```swift
/// var events = EventAccumulator()
/// events.add(contention)
/// events.fold(into: &trace)
/// ```
struct EventAccumulator {
    /// Lock ids below this are summed in arrays.
    static let denseLockLimit: UInt32 = 1 << 16
    /// Stack ids below this are summed in arrays.
    static let denseStackLimit: UInt32 = 1 << 14
    /// Stack cells (one per lock and stack id up to the highest seen) allocated at most.
    static let denseCellBudget = 1 << 18

    private var locks: [DenseLockSums?] = []
    private var others: [UInt32: LockEventTally] = [:]
    private var cells = 0
    private var firstTime: UInt64 = .max
    private var lastTime: UInt64 = 0

    /// Adds one contention event.
    mutating func add(_ contention: ContentionRecord) {
        see(contention.timeNanoseconds)
        let lockID = contention.lockID
        guard lockID < Self.denseLockLimit,
            reserve(lockID, stacks: max(contention.waiterStackID, contention.holderStackID))
        else {
            others[lockID, default: LockEventTally()].add(contention)
            return
        }
        locks[Int(lockID)]!.add(contention)
    }

    /// Adds one release event.
    mutating func add(_ release: ReleaseRecord) {
        see(release.timeNanoseconds)
        let lockID = release.lockID
        guard lockID < Self.denseLockLimit, reserve(lockID, stacks: release.holderStackID) else {
            others[lockID, default: LockEventTally()].add(release)
            return
        }
        locks[Int(lockID)]!.add(release)
    }

    /// Merges the sums into `trace.events` and the event times into its first and last times.
    func fold(into trace: inout ProcessTrace) {
        for (lockID, sums) in locks.enumerated() {
            guard let sums, sums.hasEvents else { continue }
            trace.events[UInt32(lockID), default: LockEventTally()].merge(sums.tally())
        }
        for (lockID, tally) in others {
            trace.events[lockID, default: LockEventTally()].merge(tally)
        }
        if firstTime <= lastTime {
            trace.firstTimeNanoseconds = min(trace.firstTimeNanoseconds ?? firstTime, firstTime)
            trace.lastTimeNanoseconds = max(trace.lastTimeNanoseconds ?? lastTime, lastTime)
        }
    }

    private mutating func see(_ time: UInt64) {
        firstTime = min(firstTime, time)
        lastTime = max(lastTime, time)
    }

    /// Makes `locks[lockID]` exist with stack tables reaching `stackID`; false when that would
    /// pass a limit, and the event must go to ``others``.
    private mutating func reserve(_ lockID: UInt32, stacks stackID: UInt32) -> Bool {
        let index = Int(lockID)
        if index < locks.count, Int(stackID) < (locks[index]?.stackCapacity ?? 0) { return true }
        guard stackID < Self.denseStackLimit else { return false }
        if index >= locks.count { locks += repeatElement(nil, count: index + 1 - locks.count) }
        let current = locks[index]?.stackCapacity ?? 0
        let wanted = max(Int(stackID) + 1, min(current * 2, Int(Self.denseStackLimit)), 64)
        guard cells + wanted - current <= Self.denseCellBudget else { return false }
        cells += wanted - current
        if locks[index] == nil { locks[index] = DenseLockSums() }
        locks[index]!.grow(to: wanted)
        return true
    }
}

/// One lock's event sums, stacks indexed by id.
private struct DenseLockSums {
    var contendedAcquisitions: UInt64 = 0
    var timeouts: UInt64 = 0
    var waitNanoseconds: UInt64 = 0
    var maximumWaitNanoseconds: UInt64 = 0
    var waitHistogram = [UInt64](repeating: 0, count: TraceLimits.histogramBuckets)
    var waiterStacks: [StackTally] = []
    var holderStacks: [StackTally] = []
    var releases: [HoldTally] = []

    var stackCapacity: Int { waiterStacks.count }
    var hasEvents: Bool { contendedAcquisitions + timeouts > 0 || releases.contains { $0.count > 0 } }

    mutating func grow(to capacity: Int) {
        let extra = capacity - waiterStacks.count
        guard extra > 0 else { return }
        waiterStacks += repeatElement(StackTally(), count: extra)
        holderStacks += repeatElement(StackTally(), count: extra)
        releases += repeatElement(HoldTally(), count: extra)
    }

    mutating func add(_ contention: ContentionRecord) {
        if contention.timedOut { timeouts += 1 } else { contendedAcquisitions += 1 }
        let wait = contention.waitNanoseconds
        waitNanoseconds = waitNanoseconds.addingClamped(wait)
        maximumWaitNanoseconds = max(maximumWaitNanoseconds, wait)
        waitHistogram[WaitHistogram.bucket(of: wait)] += 1
        waiterStacks[Int(contention.waiterStackID)].add(wait: wait)
        holderStacks[Int(contention.holderStackID)].add(wait: wait)
    }

    mutating func add(_ release: ReleaseRecord) {
        releases[Int(release.holderStackID)].add(release)
    }

    /// The same sums as a ``LockEventTally`` built event by event: only stacks that had events,
    /// the histogram up to its highest used bucket.
    func tally() -> LockEventTally {
        var tally = LockEventTally()
        tally.contendedAcquisitions = contendedAcquisitions
        tally.timeouts = timeouts
        tally.waitNanoseconds = waitNanoseconds
        tally.maximumWaitNanoseconds = maximumWaitNanoseconds
        let used = waitHistogram.lastIndex { $0 != 0 }.map { $0 + 1 } ?? 0
        tally.waitHistogram = Array(waitHistogram.prefix(used))
        for (id, stack) in waiterStacks.enumerated() where stack.count > 0 { tally.waiterStacks[UInt32(id)] = stack }
        for (id, stack) in holderStacks.enumerated() where stack.count > 0 { tally.holderStacks[UInt32(id)] = stack }
        for (id, holds) in releases.enumerated() where holds.count > 0 { tally.releases[UInt32(id)] = holds }
        return tally
    }
}

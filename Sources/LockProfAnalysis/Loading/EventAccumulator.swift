import LockProfFormat

/// Sums one file's `contention` and `release` events per lock and per stack, the way
/// ``LockEventTally`` does, but without hashing: the events are nearly all of a trace's records,
/// and three dictionary look-ups per event were half of `lockprof report`'s time
/// (docs/performance.md). ``fold(into:)`` hands the sums to a ``ProcessTrace`` as ordinary
/// tallies, so the result is exactly that of ``ProcessTrace/add(_:)`` on every event.
///
/// The runtime numbers locks and stacks from 1 in each trace, so ids index arrays directly: per
/// lock id its counters (``DenseLockSums``), and in two flat arrays shared by all locks each
/// lock's 64 histogram buckets and its region of per-stack cells (``StackCell``), indexed by
/// stack id. Runs of events from the reader are summed through `MutableSpan`s of those arrays,
/// one uniqueness check per run instead of several per event.
///
/// Memory stays bounded on any input: a lock id of ``denseLockLimit`` or more, a stack id of
/// ``denseStackLimit`` or more, or stack regions that would pass ``denseCellBudget`` cells in all
/// (a lock's region is reallocated, doubling, when a larger stack id arrives; the old region
/// counts too), goes to an ordinary ``LockEventTally`` instead (slower, same result).
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
    /// Stack cells allocated at most, for all locks together.
    static let denseCellBudget = 1 << 18

    /// Indexed by lock id; `stackCapacity` 0 for ids without a region (yet).
    private var locks: [DenseLockSums] = []
    /// 64 buckets per lock with a region, from its `histogramBase`.
    private var histograms: [UInt64] = []
    /// Each lock's cells, `stackCapacity` of them from its `stackBase`, indexed by stack id.
    private var stacks: [StackCell] = []
    private var others: [UInt32: LockEventTally] = [:]
    private var firstTime: UInt64 = .max
    private var lastTime: UInt64 = 0

    /// Adds a run of events, as ``TraceReader/read(path:events:records:)`` hands them out.
    mutating func add(_ run: ArraySlice<TraceEvent>) {
        var next = run.startIndex
        while next < run.endIndex {
            next = addInPlace(run[next...])
            guard next < run.endIndex else { break }
            // An event the arrays cannot take as they are: a new lock, a larger stack id, or
            // one for the dictionaries.
            switch run[next] {
            case .contention(let contention): add(contention)
            case .release(let release): add(release)
            }
            next += 1
        }
    }

    /// Sums events while each one's lock has a region that holds its stack ids; returns the
    /// index of the first that does not (or the end).
    private mutating func addInPlace(_ run: ArraySlice<TraceEvent>) -> Int {
        Self.addInPlace(
            run, locks: &locks, histograms: &histograms, stacks: &stacks, firstTime: &firstTime, lastTime: &lastTime)
    }

    /// ``addInPlace(_:)`` on the accumulator's arrays, passed one by one so that each can be
    /// borrowed as a span at the same time.
    private static func addInPlace(
        _ run: ArraySlice<TraceEvent>, locks lockArray: inout [DenseLockSums], histograms histogramArray: inout [UInt64],
        stacks stackArray: inout [StackCell], firstTime: inout UInt64, lastTime: inout UInt64
    ) -> Int {
        var locks = lockArray.mutableSpan
        var histograms = histogramArray.mutableSpan
        var stacks = stackArray.mutableSpan
        var first = firstTime
        var last = lastTime
        var stopped = run.endIndex
        loop: for index in run.indices {
            switch run[index] {
            case .contention(let contention):
                let lockID = Int(contention.lockID)
                guard lockID < locks.count else { stopped = index; break loop }
                let capacity = locks[lockID].stackCapacity
                let waiter = Int(contention.waiterStackID)
                let holder = Int(contention.holderStackID)
                guard waiter < capacity, holder < capacity else { stopped = index; break loop }
                first = min(first, contention.timeNanoseconds)
                last = max(last, contention.timeNanoseconds)
                let wait = contention.waitNanoseconds
                locks[lockID].add(wait: wait, timedOut: contention.timedOut)
                histograms[locks[lockID].histogramBase + WaitHistogram.bucket(of: wait)] += 1
                let base = locks[lockID].stackBase
                stacks[base + waiter].waiter.add(wait: wait)
                stacks[base + holder].holder.add(wait: wait)
            case .release(let release):
                let lockID = Int(release.lockID)
                guard lockID < locks.count else { stopped = index; break loop }
                let holder = Int(release.holderStackID)
                guard holder < locks[lockID].stackCapacity else { stopped = index; break loop }
                first = min(first, release.timeNanoseconds)
                last = max(last, release.timeNanoseconds)
                stacks[locks[lockID].stackBase + holder].releases.add(release)
            }
        }
        firstTime = first
        lastTime = last
        return stopped
    }

    /// Adds one contention event.
    mutating func add(_ contention: ContentionRecord) {
        see(contention.timeNanoseconds)
        let lockID = contention.lockID
        guard reserve(lockID, stacks: max(contention.waiterStackID, contention.holderStackID)) else {
            others[lockID, default: LockEventTally()].add(contention)
            return
        }
        let wait = contention.waitNanoseconds
        let sums = locks[Int(lockID)]
        locks[Int(lockID)].add(wait: wait, timedOut: contention.timedOut)
        histograms[sums.histogramBase + WaitHistogram.bucket(of: wait)] += 1
        stacks[sums.stackBase + Int(contention.waiterStackID)].waiter.add(wait: wait)
        stacks[sums.stackBase + Int(contention.holderStackID)].holder.add(wait: wait)
    }

    /// Adds one release event.
    mutating func add(_ release: ReleaseRecord) {
        see(release.timeNanoseconds)
        let lockID = release.lockID
        guard reserve(lockID, stacks: release.holderStackID) else {
            others[lockID, default: LockEventTally()].add(release)
            return
        }
        stacks[locks[Int(lockID)].stackBase + Int(release.holderStackID)].releases.add(release)
    }

    /// Merges the sums into `trace.events` and the event times into its first and last times.
    func fold(into trace: inout ProcessTrace) {
        for (lockID, sums) in locks.enumerated() where sums.stackCapacity > 0 {
            let tally = tally(of: sums)
            guard tally.events > 0 || !tally.releases.isEmpty else { continue }
            trace.events[UInt32(lockID), default: LockEventTally()].merge(tally)
        }
        for (lockID, tally) in others {
            trace.events[lockID, default: LockEventTally()].merge(tally)
        }
        if firstTime <= lastTime {
            trace.firstTimeNanoseconds = min(trace.firstTimeNanoseconds ?? firstTime, firstTime)
            trace.lastTimeNanoseconds = max(trace.lastTimeNanoseconds ?? lastTime, lastTime)
        }
    }

    /// The same sums as a ``LockEventTally`` built event by event: only stacks that had events,
    /// the histogram up to its highest used bucket.
    private func tally(of sums: DenseLockSums) -> LockEventTally {
        var tally = LockEventTally()
        tally.contendedAcquisitions = sums.contendedAcquisitions
        tally.timeouts = sums.timeouts
        tally.waitNanoseconds = sums.waitNanoseconds
        tally.maximumWaitNanoseconds = sums.maximumWaitNanoseconds
        let histogram = histograms[sums.histogramBase..<(sums.histogramBase + TraceLimits.histogramBuckets)]
        let used = histogram.lastIndex { $0 != 0 }.map { $0 + 1 } ?? histogram.startIndex
        tally.waitHistogram = Array(histogram[..<used])
        for id in 0..<sums.stackCapacity {
            let cell = stacks[sums.stackBase + id]
            if cell.waiter.count > 0 { tally.waiterStacks[UInt32(id)] = cell.waiter }
            if cell.holder.count > 0 { tally.holderStacks[UInt32(id)] = cell.holder }
            if cell.releases.count > 0 { tally.releases[UInt32(id)] = cell.releases }
        }
        return tally
    }

    private mutating func see(_ time: UInt64) {
        firstTime = min(firstTime, time)
        lastTime = max(lastTime, time)
    }

    /// Makes lock `lockID` have a region of stack cells reaching `stackID`; false when that
    /// would pass a limit, and the event must go to ``others``.
    private mutating func reserve(_ lockID: UInt32, stacks stackID: UInt32) -> Bool {
        let index = Int(lockID)
        if index < locks.count, Int(stackID) < locks[index].stackCapacity { return true }
        guard lockID < Self.denseLockLimit, stackID < Self.denseStackLimit else { return false }
        if index >= locks.count { locks += repeatElement(DenseLockSums(), count: index + 1 - locks.count) }
        let current = locks[index].stackCapacity
        let wanted = max(Int(stackID) + 1, min(current * 2, Int(Self.denseStackLimit)), 64)
        guard stacks.count + wanted <= Self.denseCellBudget else { return false }
        if current == 0 {
            locks[index].histogramBase = histograms.count
            histograms += repeatElement(0, count: TraceLimits.histogramBuckets)
        }
        // A new region at the end, the old cells moved into it and cleared.
        let oldBase = locks[index].stackBase
        let newBase = stacks.count
        stacks += repeatElement(StackCell(), count: wanted)
        for id in 0..<current {
            stacks[newBase + id] = stacks[oldBase + id]
            stacks[oldBase + id] = StackCell()
        }
        locks[index].stackBase = newBase
        locks[index].stackCapacity = wanted
        return true
    }
}

/// One lock's event counters, and where its histogram and stack cells are.
private struct DenseLockSums {
    var contendedAcquisitions: UInt64 = 0
    var timeouts: UInt64 = 0
    var waitNanoseconds: UInt64 = 0
    var maximumWaitNanoseconds: UInt64 = 0
    var histogramBase = 0
    var stackBase = 0
    var stackCapacity = 0

    mutating func add(wait: UInt64, timedOut: Bool) {
        if timedOut { timeouts += 1 } else { contendedAcquisitions += 1 }
        waitNanoseconds = waitNanoseconds.addingClamped(wait)
        maximumWaitNanoseconds = max(maximumWaitNanoseconds, wait)
    }
}

/// What one lock's events add up to at one stack id: waits with it as the waiter's stack, waits
/// with it as the holder's, and holds released at it.
private struct StackCell {
    var waiter = StackTally()
    var holder = StackTally()
    var releases = HoldTally()
}

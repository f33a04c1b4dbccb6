import LockProfFormat

/// What one lock's `contention` and `release` events add up to. Grows with the number of distinct
/// stacks, never with the number of events.
public struct LockEventTally: Equatable, Sendable {
    /// Waits that ended in an acquisition.
    public var contendedAcquisitions: UInt64 = 0
    /// Waits that ended in a timeout.
    public var timeouts: UInt64 = 0
    /// Total wait of all contention events.
    public var waitNanoseconds: UInt64 = 0
    /// The longest single wait seen in an event.
    public var maximumWaitNanoseconds: UInt64 = 0
    /// The events' waits in the same log2 buckets as ``LockCounters/waitHistogram``.
    public var waitHistogram: [UInt64] = []
    /// Waits grouped by the waiter's stack id; key 0 collects waits whose stack was not captured.
    public var waiterStacks: [UInt32: StackTally] = [:]
    /// Waits grouped by the stack of the holder that released the lock to the waiter; key 0
    /// collects waits whose holder stack was not captured.
    public var holderStacks: [UInt32: StackTally] = [:]
    /// Releases that left waiters behind, grouped by the holder's stack id (0: not captured).
    public var releases: [UInt32: HoldTally] = [:]

    /// An empty tally, before any event.
    public init() {}

    /// Contention events of either outcome.
    public var events: UInt64 { contendedAcquisitions + timeouts }

    /// Adds one contention event.
    public mutating func add(_ contention: ContentionRecord) {
        if contention.timedOut { timeouts += 1 } else { contendedAcquisitions += 1 }
        let wait = contention.waitNanoseconds
        waitNanoseconds = waitNanoseconds.addingClamped(wait)
        maximumWaitNanoseconds = max(maximumWaitNanoseconds, wait)
        let bucket = WaitHistogram.bucket(of: wait)
        if waitHistogram.count <= bucket { waitHistogram += repeatElement(0, count: bucket + 1 - waitHistogram.count) }
        waitHistogram[bucket] += 1
        waiterStacks[contention.waiterStackID, default: StackTally()].add(wait: wait)
        holderStacks[contention.holderStackID, default: StackTally()].add(wait: wait)
    }

    /// Adds one release that found waiters.
    public mutating func add(_ release: ReleaseRecord) {
        releases[release.holderStackID, default: HoldTally()].add(release)
    }

    /// Adds another tally of the same lock (another file of the same process).
    public mutating func merge(_ other: LockEventTally) {
        contendedAcquisitions += other.contendedAcquisitions
        timeouts += other.timeouts
        waitNanoseconds = waitNanoseconds.addingClamped(other.waitNanoseconds)
        maximumWaitNanoseconds = max(maximumWaitNanoseconds, other.maximumWaitNanoseconds)
        waitHistogram = WaitHistogram.sum(waitHistogram, other.waitHistogram)
        waiterStacks.merge(other.waiterStacks) { $0.merged(with: $1) }
        holderStacks.merge(other.holderStacks) { $0.merged(with: $1) }
        releases.merge(other.releases) { $0.merged(with: $1) }
    }
}

/// The waits blamed on one stack.
public struct StackTally: Equatable, Sendable {
    /// Events attributed to the stack.
    public var count: UInt64 = 0
    /// Their total wait.
    public var waitNanoseconds: UInt64 = 0

    /// `count` waits on one stack, `waitNanoseconds` in all.
    public init(count: UInt64 = 0, waitNanoseconds: UInt64 = 0) {
        self.count = count
        self.waitNanoseconds = waitNanoseconds
    }

    mutating func add(wait: UInt64) {
        count += 1
        waitNanoseconds = waitNanoseconds.addingClamped(wait)
    }

    func merged(with other: StackTally) -> StackTally {
        StackTally(count: count + other.count, waitNanoseconds: waitNanoseconds.addingClamped(other.waitNanoseconds))
    }
}

/// The holds, made at one stack, that left waiters behind.
public struct HoldTally: Equatable, Sendable {
    /// Releases that found waiters.
    public var count: UInt64 = 0
    /// Their total hold time.
    public var holdNanoseconds: UInt64 = 0

    /// `count` releases from one stack, `holdNanoseconds` in all.
    public init(count: UInt64 = 0, holdNanoseconds: UInt64 = 0) {
        self.count = count
        self.holdNanoseconds = holdNanoseconds
    }

    mutating func add(_ release: ReleaseRecord) {
        count += 1
        holdNanoseconds = holdNanoseconds.addingClamped(release.holdNanoseconds)
    }

    func merged(with other: HoldTally) -> HoldTally {
        HoldTally(count: count + other.count, holdNanoseconds: holdNanoseconds.addingClamped(other.holdNanoseconds))
    }
}

extension UInt64 {
    /// Sum that stops at `.max` instead of trapping: a corrupt trace must not crash the report.
    func addingClamped(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}

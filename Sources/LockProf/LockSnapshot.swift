@_exported import enum LockProfFormat.LockKind

/// One lock's counters at the moment of ``LockProfiler/snapshot()``: what a test asserts on.
///
/// Counts (`acquisitions`, `contendedAcquisitions`, `failedTryLocks`, `timeouts`) are exact and
/// kept from the lock's creation whether or not recording is on. Times (waits, holds) are kept
/// only while recording, because measuring them needs the clock.
public struct LockSnapshot: Sendable, Equatable {
    /// The lock's process-unique id (the `lockID` of its trace records).
    public var lockID: UInt32
    /// The name given at creation, or the creation site.
    public var name: String
    /// Where the lock was created, `Module/File.swift:42`.
    public var site: String
    public var kind: LockKind
    /// Successful acquisitions of every form.
    public var acquisitions: UInt64
    /// Acquisitions that had to wait.
    public var contendedAcquisitions: UInt64
    /// `tryLock` calls that found the lock taken.
    public var failedTryLocks: UInt64
    /// Timed acquisitions that gave up.
    public var timeouts: UInt64
    /// Total time spent waiting (while recording).
    public var waitNanoseconds: UInt64
    /// The longest single wait (while recording).
    public var maximumWaitNanoseconds: UInt64
    /// Log2 histogram of waits: bucket `i` counts waits in `[2^i, 2^(i+1))` nanoseconds.
    public var waitHistogram: [UInt64]
    /// Timed holds that made nobody wait (1 in 64 uncontended acquisitions, and those that
    /// began with a wait; while recording): the sample for estimating hold time.
    public var sampledHolds: UInt64
    public var sampledHoldNanoseconds: UInt64
    /// Holds that made another thread sleep, and their total duration (while recording).
    public var blockingHolds: UInt64
    public var blockingHoldNanoseconds: UInt64
    /// Recursive locks: acquisitions by the thread that already held the lock (not counted in
    /// `acquisitions`, never contended).
    public var reentries: UInt64 = 0
    /// Reader-writer locks: the readers' share of `acquisitions`, `contendedAcquisitions` and
    /// `waitNanoseconds` (the writers' is the rest).
    public var sharedAcquisitions: UInt64 = 0
    public var sharedContendedAcquisitions: UInt64 = 0
    public var sharedWaitNanoseconds: UInt64 = 0
    /// Conditions: time asleep in `wait()` (while recording), and `signal()`/`broadcast()` calls.
    /// For a condition, `acquisitions` counts `wait` calls and `timeouts` the timed waits that
    /// expired.
    public var conditionWaitNanoseconds: UInt64 = 0
    public var signals: UInt64 = 0
    public var broadcasts: UInt64 = 0
}

extension LockSnapshot {
    init(_ identity: LockIdentity, _ counters: LockCounters) {
        self.init(
            lockID: identity.lockID, name: identity.name, site: identity.site, kind: identity.kind,
            acquisitions: counters.acquisitions, contendedAcquisitions: counters.contendedAcquisitions,
            failedTryLocks: counters.failedTryLocks, timeouts: counters.timeouts,
            waitNanoseconds: counters.waitNanoseconds, maximumWaitNanoseconds: counters.maximumWaitNanoseconds,
            waitHistogram: counters.waitHistogram, sampledHolds: counters.sampledHolds,
            sampledHoldNanoseconds: counters.sampledHoldNanoseconds, blockingHolds: counters.blockingHolds,
            blockingHoldNanoseconds: counters.blockingHoldNanoseconds)
        reentries = counters.reentries
        sharedAcquisitions = counters.sharedAcquisitions
        sharedContendedAcquisitions = counters.sharedContendedAcquisitions
        sharedWaitNanoseconds = counters.sharedWaitNanoseconds
        conditionWaitNanoseconds = counters.conditionWaitNanoseconds
        signals = counters.signals
        broadcasts = counters.broadcasts
    }
}

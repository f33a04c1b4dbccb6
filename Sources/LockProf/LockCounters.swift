import LockProfFormat
import Synchronization

/// A copy of one lock's counters at one moment, as ``LockCore`` keeps them.
struct LockCounters: Sendable, Equatable {
    var acquisitions: UInt64 = 0
    var contendedAcquisitions: UInt64 = 0
    var failedTryLocks: UInt64 = 0
    var timeouts: UInt64 = 0
    var waitNanoseconds: UInt64 = 0
    var maximumWaitNanoseconds: UInt64 = 0
    var waitHistogram = [UInt64](repeating: 0, count: TraceLimits.histogramBuckets)
    var sampledHolds: UInt64 = 0
    var sampledHoldNanoseconds: UInt64 = 0
    var blockingHolds: UInt64 = 0
    var blockingHoldNanoseconds: UInt64 = 0
    var reentries: UInt64 = 0
    var sharedAcquisitions: UInt64 = 0
    var sharedContendedAcquisitions: UInt64 = 0
    var sharedWaitNanoseconds: UInt64 = 0
    var conditionWaitNanoseconds: UInt64 = 0
    var signals: UInt64 = 0
    var broadcasts: UInt64 = 0

    init() {}

    /// Reads the counters with relaxed loads (see the protocol in LockCore.swift).
    init(_ slots: UnsafeMutablePointer<Atomic<UInt64>>) {
        func load(_ slot: Int) -> UInt64 { slots[slot].load(ordering: .relaxed) }
        // Readers of a reader-writer lock count in their own slot (atomic adds); the lock's
        // acquisitions are both sides'.
        acquisitions = load(LockSlot.acquisitions) &+ load(LockSlot.sharedAcquisitions)
        contendedAcquisitions = load(LockSlot.contended)
        failedTryLocks = load(LockSlot.failedTryLocks)
        timeouts = load(LockSlot.timeouts)
        waitNanoseconds = load(LockSlot.waitNanoseconds)
        maximumWaitNanoseconds = load(LockSlot.maximumWait)
        for bucket in 0..<TraceLimits.histogramBuckets { waitHistogram[bucket] = load(LockSlot.histogram + bucket) }
        sampledHolds = load(LockSlot.sampledHolds)
        sampledHoldNanoseconds = load(LockSlot.sampledHoldNanoseconds)
        blockingHolds = load(LockSlot.blockingHolds)
        blockingHoldNanoseconds = load(LockSlot.blockingHoldNanoseconds)
        reentries = load(LockSlot.reentries)
        sharedAcquisitions = load(LockSlot.sharedAcquisitions)
        sharedContendedAcquisitions = load(LockSlot.sharedContended)
        sharedWaitNanoseconds = load(LockSlot.sharedWaitNanoseconds)
        conditionWaitNanoseconds = load(LockSlot.conditionWaitNanoseconds)
        signals = load(LockSlot.signals)
        broadcasts = load(LockSlot.broadcasts)
    }

    /// These counters minus an earlier reading of the same lock: what happened in between.
    /// The maximum wait cannot be subtracted; it is kept when it grew, else the later one is used.
    func since(_ baseline: LockCounters) -> LockCounters {
        var delta = LockCounters()
        delta.acquisitions = acquisitions &- baseline.acquisitions
        delta.contendedAcquisitions = contendedAcquisitions &- baseline.contendedAcquisitions
        delta.failedTryLocks = failedTryLocks &- baseline.failedTryLocks
        delta.timeouts = timeouts &- baseline.timeouts
        delta.waitNanoseconds = waitNanoseconds &- baseline.waitNanoseconds
        delta.maximumWaitNanoseconds = maximumWaitNanoseconds
        for bucket in 0..<TraceLimits.histogramBuckets {
            delta.waitHistogram[bucket] = waitHistogram[bucket] &- baseline.waitHistogram[bucket]
        }
        delta.sampledHolds = sampledHolds &- baseline.sampledHolds
        delta.sampledHoldNanoseconds = sampledHoldNanoseconds &- baseline.sampledHoldNanoseconds
        delta.blockingHolds = blockingHolds &- baseline.blockingHolds
        delta.blockingHoldNanoseconds = blockingHoldNanoseconds &- baseline.blockingHoldNanoseconds
        delta.reentries = reentries &- baseline.reentries
        delta.sharedAcquisitions = sharedAcquisitions &- baseline.sharedAcquisitions
        delta.sharedContendedAcquisitions = sharedContendedAcquisitions &- baseline.sharedContendedAcquisitions
        delta.sharedWaitNanoseconds = sharedWaitNanoseconds &- baseline.sharedWaitNanoseconds
        delta.conditionWaitNanoseconds = conditionWaitNanoseconds &- baseline.conditionWaitNanoseconds
        delta.signals = signals &- baseline.signals
        delta.broadcasts = broadcasts &- baseline.broadcasts
        return delta
    }

    func record(lockID: UInt32) -> LockStatisticsRecord {
        var record = LockStatisticsRecord(
            lockID: lockID, acquisitions: acquisitions, contendedAcquisitions: contendedAcquisitions,
            failedTryLocks: failedTryLocks, timeouts: timeouts, waitNanoseconds: waitNanoseconds,
            maximumWaitNanoseconds: maximumWaitNanoseconds, waitHistogram: waitHistogram, sampledHolds: sampledHolds,
            sampledHoldNanoseconds: sampledHoldNanoseconds, blockingHolds: blockingHolds,
            blockingHoldNanoseconds: blockingHoldNanoseconds)
        record.reentries = reentries
        record.sharedAcquisitions = sharedAcquisitions
        record.sharedContendedAcquisitions = sharedContendedAcquisitions
        record.sharedWaitNanoseconds = sharedWaitNanoseconds
        record.conditionWaitNanoseconds = conditionWaitNanoseconds
        record.signals = signals
        record.broadcasts = broadcasts
        return record
    }
}

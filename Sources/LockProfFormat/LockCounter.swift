/// One of the exact counters lockprof keeps for every lock. This enumeration is the one list of
/// them: the runtime's counter slots, ``LockCounters`` (what `LockSnapshot` and
/// ``LockStatisticsRecord`` carry), the difference of two readings and the `lockStatistics`
/// record's coding are all derived from it.
///
/// The order is the record's field order (docs/trace-format.md): the counters before
/// ``firstAfterHistogram`` precede the wait histogram, the others follow it, and a trace written
/// before one of those existed reads it as 0. A new counter is one case at the end, with its
/// documentation here, in its accessor in ``LockCounters`` and in docs/trace-format.md.
///
/// Counts are exact and kept from the lock's creation whether or not recording is on; times
/// (waits, holds) are kept only while recording, because measuring them needs the clock.
public enum LockCounter: Int, CaseIterable, Sendable {
    /// Successful acquisitions of every form (lock, successful tryLock, withLock, timed lock).
    /// For a recursive lock the outermost ones only; for a condition its `wait` calls; for a
    /// semaphore the permits taken.
    case acquisitions
    /// Acquisitions that had to wait.
    case contendedAcquisitions
    /// `tryLock` calls that found the lock taken.
    case failedTryLocks
    /// Timed acquisitions that gave up (for a condition: timed waits that expired).
    case timeouts
    /// Total time spent waiting, by all threads (timed-out waits included; while recording).
    case waitNanoseconds
    /// The longest single wait (while recording). The one counter that is not a sum: the
    /// difference of two readings keeps the later one.
    case maximumWaitNanoseconds
    /// Timed holds that made nobody wait (while recording): 1 in
    /// ``TraceLimits/holdSampleInterval`` uncontended acquisitions, and those that began with a
    /// wait. The sample for estimating hold time.
    case sampledHolds
    /// Total duration of the sampled holds.
    case sampledHoldNanoseconds
    /// Holds that made another thread sleep (each one also appears as a ``ReleaseRecord``).
    case blockingHolds
    /// Total duration of the holds that made another thread sleep.
    case blockingHoldNanoseconds
    /// Recursive locks: acquisitions by the thread already holding the lock (not counted in
    /// `acquisitions`, never contended).
    case reentries
    /// Reader-writer locks: the readers' share of `acquisitions` (the writers' is the rest).
    case sharedAcquisitions
    /// Reader-writer locks: the readers' share of `contendedAcquisitions`.
    case sharedContendedAcquisitions
    /// Reader-writer locks: the readers' share of `waitNanoseconds`.
    case sharedWaitNanoseconds
    /// Conditions: time threads spent asleep in `wait()` (while recording; not contention, so
    /// `waitNanoseconds` stays 0).
    case conditionWaitNanoseconds
    /// Conditions: `signal()` calls.
    case signals
    /// Conditions: `broadcast()` calls.
    case broadcasts
    /// Total duration of the timed holds whose holder's CPU time was measured too (while
    /// recording; exclusive holds, sampled or begun by a wait, of a lock that had waited before:
    /// the runtime's LockCore+HolderCPU.swift says which). Over
    /// ``holderCPUNanoseconds``, the share of hold time the holder spent running.
    case cpuMeasuredHoldNanoseconds
    /// CPU time the holders spent running during the holds of ``cpuMeasuredHoldNanoseconds``,
    /// from each holder thread's CPU clock.
    case holderCPUNanoseconds

    /// The first counter written after the wait histogram in a `lockStatistics` record: this one
    /// and those after it were appended to the format for the lock family, and read as 0 from a
    /// trace that has none.
    public static let firstAfterHistogram = LockCounter.reentries

    /// Whether the counter keeps a maximum rather than a sum: then what happened between two
    /// readings is not their difference but the later reading.
    public var isMaximum: Bool { self == .maximumWaitNanoseconds }
}

/// The values of every ``LockCounter`` of one lock, and its wait histogram: what the runtime reads
/// from a lock, and what `LockSnapshot` and ``LockStatisticsRecord`` carry. Read a counter by
/// name (`counters.acquisitions`) or by case (`counters[.acquisitions]`).
///
/// Stored for a million of them (`lockprof report` of a trace with one lock per object): what
/// every lock that was taken has — its acquisitions, and its sampled holds (the runtime times a
/// lock's first acquisition) — inline; the other counters in an array that ends at the last one
/// set to a non-zero value, so a lock nobody waited for allocates nothing (docs/performance.md,
/// "A million locks").
public struct LockCounters: Equatable, Sendable {
    /// ``LockCounter/acquisitions``.
    private var acquisitionCount: UInt64 = 0
    /// ``LockCounter/sampledHolds``.
    private var sampledHoldCount: UInt64 = 0
    /// ``LockCounter/sampledHoldNanoseconds``.
    private var sampledHoldTime: UInt64 = 0
    /// The other counters, in ``LockCounter`` order without the three above (``otherIndex(_:)``);
    /// a counter past the end is 0.
    private var others: [UInt64] = []
    /// Log-scale wait histogram: bucket `i` counts waits `w` with `floor(log2(max(w, 1))) == i`,
    /// at most ``TraceLimits/histogramBuckets`` buckets. Trailing empty buckets may be omitted.
    public var waitHistogram: [UInt64]

    /// Counters with the given values (the others 0) and histogram.
    public init(_ values: [LockCounter: UInt64] = [:], waitHistogram: [UInt64] = []) {
        self.waitHistogram = waitHistogram
        for (counter, value) in values { self[counter] = value }
    }

    /// The value of one counter.
    public subscript(counter: LockCounter) -> UInt64 {
        get {
            switch counter {
            case .acquisitions: return acquisitionCount
            case .sampledHolds: return sampledHoldCount
            case .sampledHoldNanoseconds: return sampledHoldTime
            default:
                let index = Self.otherIndex(counter)
                return index < others.count ? others[index] : 0
            }
        }
        set {
            switch counter {
            case .acquisitions: acquisitionCount = newValue
            case .sampledHolds: sampledHoldCount = newValue
            case .sampledHoldNanoseconds: sampledHoldTime = newValue
            default:
                let index = Self.otherIndex(counter)
                if index >= others.count {
                    guard newValue != 0 else { return }
                    others.append(contentsOf: repeatElement(0, count: index + 1 - others.count))
                }
                others[index] = newValue
            }
        }
    }

    /// Where a counter that is not kept inline is in `others`: its place among the counters,
    /// less the inline ones before it (acquisitions first, the two sampled-hold ones 6th and 7th).
    private static func otherIndex(_ counter: LockCounter) -> Int {
        counter.rawValue < LockCounter.sampledHolds.rawValue ? counter.rawValue - 1 : counter.rawValue - 3
    }

    /// How many counters have storage beside the three kept inline (what a million locks cost).
    var storedCounters: Int { others.count }

    /// Whether both have the same value in every counter and the same histogram (a counter set
    /// back to 0 is equal to one never set).
    public static func == (a: LockCounters, b: LockCounters) -> Bool {
        a.waitHistogram == b.waitHistogram && LockCounter.allCases.allSatisfy { a[$0] == b[$0] }
    }

    /// These counters minus an earlier reading of the same lock: what happened in between. The
    /// maximum wait cannot be subtracted: the later one is kept (``LockCounter/isMaximum``).
    public func since(_ baseline: LockCounters) -> LockCounters {
        var delta = LockCounters()
        for counter in LockCounter.allCases {
            delta[counter] = counter.isMaximum ? self[counter] : self[counter] &- baseline[counter]
        }
        delta.waitHistogram = (0..<max(waitHistogram.count, baseline.waitHistogram.count)).map { bucket in
            let earlier = bucket < baseline.waitHistogram.count ? baseline.waitHistogram[bucket] : 0
            return (bucket < waitHistogram.count ? waitHistogram[bucket] : 0) &- earlier
        }
        return delta
    }

    /// These counters plus those of another lock: what two locks counted together (the dead
    /// locks of one creation site folded into one entry, LockRegistry.swift). The maximum wait is
    /// the larger one (``LockCounter/isMaximum``), every other counter and bucket the sum.
    public func merged(with other: LockCounters) -> LockCounters {
        var sum = LockCounters()
        for counter in LockCounter.allCases {
            sum[counter] = counter.isMaximum ? Swift.max(self[counter], other[counter]) : self[counter] &+ other[counter]
        }
        sum.waitHistogram = (0..<Swift.max(waitHistogram.count, other.waitHistogram.count)).map { bucket in
            (bucket < waitHistogram.count ? waitHistogram[bucket] : 0)
                &+ (bucket < other.waitHistogram.count ? other.waitHistogram[bucket] : 0)
        }
        return sum
    }
}

// Each counter by name (documented at its ``LockCounter`` case).
extension LockCounters {
    /// ``LockCounter/acquisitions``.
    public var acquisitions: UInt64 { get { self[.acquisitions] } set { self[.acquisitions] = newValue } }
    /// ``LockCounter/contendedAcquisitions``.
    public var contendedAcquisitions: UInt64 { get { self[.contendedAcquisitions] } set { self[.contendedAcquisitions] = newValue } }
    /// ``LockCounter/failedTryLocks``.
    public var failedTryLocks: UInt64 { get { self[.failedTryLocks] } set { self[.failedTryLocks] = newValue } }
    /// ``LockCounter/timeouts``.
    public var timeouts: UInt64 { get { self[.timeouts] } set { self[.timeouts] = newValue } }
    /// ``LockCounter/waitNanoseconds``.
    public var waitNanoseconds: UInt64 { get { self[.waitNanoseconds] } set { self[.waitNanoseconds] = newValue } }
    /// ``LockCounter/maximumWaitNanoseconds``.
    public var maximumWaitNanoseconds: UInt64 { get { self[.maximumWaitNanoseconds] } set { self[.maximumWaitNanoseconds] = newValue } }
    /// ``LockCounter/sampledHolds``.
    public var sampledHolds: UInt64 { get { self[.sampledHolds] } set { self[.sampledHolds] = newValue } }
    /// ``LockCounter/sampledHoldNanoseconds``.
    public var sampledHoldNanoseconds: UInt64 { get { self[.sampledHoldNanoseconds] } set { self[.sampledHoldNanoseconds] = newValue } }
    /// ``LockCounter/blockingHolds``.
    public var blockingHolds: UInt64 { get { self[.blockingHolds] } set { self[.blockingHolds] = newValue } }
    /// ``LockCounter/blockingHoldNanoseconds``.
    public var blockingHoldNanoseconds: UInt64 { get { self[.blockingHoldNanoseconds] } set { self[.blockingHoldNanoseconds] = newValue } }
    /// ``LockCounter/reentries``.
    public var reentries: UInt64 { get { self[.reentries] } set { self[.reentries] = newValue } }
    /// ``LockCounter/sharedAcquisitions``.
    public var sharedAcquisitions: UInt64 { get { self[.sharedAcquisitions] } set { self[.sharedAcquisitions] = newValue } }
    /// ``LockCounter/sharedContendedAcquisitions``.
    public var sharedContendedAcquisitions: UInt64 { get { self[.sharedContendedAcquisitions] } set { self[.sharedContendedAcquisitions] = newValue } }
    /// ``LockCounter/sharedWaitNanoseconds``.
    public var sharedWaitNanoseconds: UInt64 { get { self[.sharedWaitNanoseconds] } set { self[.sharedWaitNanoseconds] = newValue } }
    /// ``LockCounter/conditionWaitNanoseconds``.
    public var conditionWaitNanoseconds: UInt64 { get { self[.conditionWaitNanoseconds] } set { self[.conditionWaitNanoseconds] = newValue } }
    /// ``LockCounter/signals``.
    public var signals: UInt64 { get { self[.signals] } set { self[.signals] = newValue } }
    /// ``LockCounter/broadcasts``.
    public var broadcasts: UInt64 { get { self[.broadcasts] } set { self[.broadcasts] = newValue } }
    /// ``LockCounter/cpuMeasuredHoldNanoseconds``.
    public var cpuMeasuredHoldNanoseconds: UInt64 {
        get { self[.cpuMeasuredHoldNanoseconds] }
        set { self[.cpuMeasuredHoldNanoseconds] = newValue }
    }
    /// ``LockCounter/holderCPUNanoseconds``.
    public var holderCPUNanoseconds: UInt64 { get { self[.holderCPUNanoseconds] } set { self[.holderCPUNanoseconds] = newValue } }
}

import LockProfFormat

/// One side (readers or writers) of a reader-writer lock.
public struct LockSideReport: Equatable, Sendable {
    /// Successful acquisitions by this side; nil when the lock's counters are unknown.
    public var acquisitions: UInt64?
    /// Of those, the ones that had to wait.
    public var contendedAcquisitions: UInt64
    /// Time this side spent waiting.
    public var waitNanoseconds: UInt64

    /// One side's figures.
    public init(acquisitions: UInt64?, contendedAcquisitions: UInt64, waitNanoseconds: UInt64) {
        self.acquisitions = acquisitions
        self.contendedAcquisitions = contendedAcquisitions
        self.waitNanoseconds = waitNanoseconds
    }
}

/// What the report says about one lock.
public struct LockReport: Equatable, Sendable {
    /// The process the lock lives in (its pid; 0 when the process record was lost).
    public var process: Int32
    /// The lock's id in its process's trace.
    public var lockID: UInt32
    /// The name given at creation, or its creation site.
    public var name: String
    /// What kind of lock it is (mutex, rwlock, semaphore, …): which figures apply to it.
    public var kind: LockKind
    /// Where the lock was created, `Module/File.swift:42`; empty when unknown.
    public var site: String
    /// Successful acquisitions; nil when unknown (no counters were recorded for the lock).
    public var acquisitions: UInt64?
    /// Acquisitions that had to wait.
    public var contendedAcquisitions: UInt64
    /// True when the figures come from the lock's exact counters; false when the trace ended
    /// before they were first written and they were rebuilt from (possibly partial) events.
    public var countersExact: Bool
    /// `tryLock` calls that found the lock taken.
    public var failedTryLocks: UInt64
    /// Timed acquisitions that gave up.
    public var timeouts: UInt64
    /// Total time threads spent waiting for the lock, timed-out waits included.
    public var waitNanoseconds: UInt64
    /// The longest single wait.
    public var maximumWaitNanoseconds: UInt64
    /// Median wait, interpolated from the log2 histogram (`WaitHistogram`); nil with no waits.
    public var waitP50Nanoseconds: UInt64?
    /// 99th-percentile wait, interpolated from the log2 histogram; nil with no waits.
    public var waitP99Nanoseconds: UInt64?
    /// The log2 wait histogram the percentiles come from: bucket `i` counts waits in `[2^i, 2^(i+1))` ns.
    public var waitHistogram: [UInt64] = []
    /// Estimated mean hold per acquisition (``HoldEstimate``); nil when it cannot be estimated.
    public var estimatedMeanHoldNanoseconds: UInt64?
    /// The runtime of the lock's process, which ``waitFraction`` divides by.
    public var runtimeNanoseconds: UInt64
    /// `waitNanoseconds ÷ runtimeNanoseconds`. Above 1 when several threads wait at once.
    public var waitFraction: Double
    /// Whether `waitFraction` exceeds the report's threshold.
    public var isFlagged: Bool
    /// The stacks that held the lock while others waited, weighted by the wait they caused.
    public var holderStacks: [StackReport]
    /// The stacks that waited, weighted by their wait.
    public var waiterStacks: [StackReport]
    /// True when some waits were recorded without stacks and stack weights were scaled.
    public var stacksSampled: Bool
    /// Recursive locks: acquisitions by the thread already holding the lock, not counted in
    /// `acquisitions` and never contention. Nil for other kinds.
    public var reentries: UInt64?
    /// Reader-writer locks: the reader side (readers wait only for writers: one holding the lock,
    /// or one waiting for it, since writers have preference). Nil for other kinds.
    public var readers: LockSideReport?
    /// Reader-writer locks: the writer side (writers wait for readers or for another writer).
    public var writers: LockSideReport?
    /// Conditions: time threads spent asleep in `wait()` — not contention, never flagged; `acquisitions`
    /// counts the waits. Nil for other kinds.
    public var conditionWaitNanoseconds: UInt64?
    /// Conditions: `signal()` calls.
    public var signals: UInt64?
    /// Conditions: `broadcast()` calls.
    public var broadcasts: UInt64?
    /// Share of hold time the holder spent on the CPU, 0…1, over the holds timed with the thread
    /// CPU clock; nil when the trace carries no CPU time for the lock.
    public var holderOnCPU: Double?
    /// Time waited for the lock on threads of the Swift concurrency cooperative pool, inside a
    /// task's job: time those threads ran no other task (``PoolBlocking``); at most
    /// `waitNanoseconds`, 0 when only plain threads waited.
    public var poolBlockedNanoseconds: UInt64 = 0
    /// The waits counted in `poolBlockedNanoseconds`.
    public var poolBlockedWaits: UInt64 = 0
    /// What kind of problem the lock has and what to change; set for flagged locks only.
    public var diagnosis: LockDiagnosis?

    /// A lock's report, as ``ContentionAnalysis`` builds it; the kind figures start as nil.
    public init(
        process: Int32, lockID: UInt32, name: String, kind: LockKind, site: String, acquisitions: UInt64?,
        contendedAcquisitions: UInt64, countersExact: Bool, failedTryLocks: UInt64, timeouts: UInt64,
        waitNanoseconds: UInt64, maximumWaitNanoseconds: UInt64, waitP50Nanoseconds: UInt64?,
        waitP99Nanoseconds: UInt64?, estimatedMeanHoldNanoseconds: UInt64?, runtimeNanoseconds: UInt64,
        waitFraction: Double, isFlagged: Bool, holderStacks: [StackReport], waiterStacks: [StackReport],
        stacksSampled: Bool
    ) {
        self.process = process
        self.lockID = lockID
        self.name = name
        self.kind = kind
        self.site = site
        self.acquisitions = acquisitions
        self.contendedAcquisitions = contendedAcquisitions
        self.countersExact = countersExact
        self.failedTryLocks = failedTryLocks
        self.timeouts = timeouts
        self.waitNanoseconds = waitNanoseconds
        self.maximumWaitNanoseconds = maximumWaitNanoseconds
        self.waitP50Nanoseconds = waitP50Nanoseconds
        self.waitP99Nanoseconds = waitP99Nanoseconds
        self.estimatedMeanHoldNanoseconds = estimatedMeanHoldNanoseconds
        self.runtimeNanoseconds = runtimeNanoseconds
        self.waitFraction = waitFraction
        self.isFlagged = isFlagged
        self.holderStacks = holderStacks
        self.waiterStacks = waiterStacks
        self.stacksSampled = stacksSampled
    }

    /// Contended acquisitions ÷ acquisitions, 0…1; nil when acquisitions are unknown or zero.
    public var contendedFraction: Double? {
        guard let acquisitions, acquisitions > 0 else { return nil }
        return Double(contendedAcquisitions) / Double(acquisitions)
    }
}

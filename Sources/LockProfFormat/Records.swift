/// The records a trace is made of. Writer and reader share these definitions: the runtime builds
/// them, `ChunkEncoder` turns them into bytes, ``TraceReader`` turns bytes back into them.
///
/// Identifiers are small integers scoped to one trace file: the runtime numbers locks, threads,
/// stacks and modules from 1 as it meets them, so records stay short. `0` means "none" wherever
/// an identifier is optional (a stack that was not captured, a frame outside any known module).
/// Times are nanoseconds of one monotonic clock; durations are nanoseconds.
///
/// See docs/trace-format.md for the byte layout of each record.
public enum TraceRecord: Equatable, Sendable {
    /// Once, first: which process this trace describes and when recording started.
    case process(ProcessRecord)
    /// A thread that recorded an event, with its kernel id and name.
    case thread(ThreadRecord)
    /// A lock: its id in this trace, kind, name and creation site.
    case lock(LockRecord)
    /// A loaded module (executable or shared object) that stack frames point into.
    case module(ModuleRecord)
    /// A distinct call stack, written once and referenced by id afterwards.
    case stack(StackRecord)
    /// What one module-relative address means: function, file and line.
    case symbol(SymbolRecord)
    /// One acquisition that had to wait.
    case contention(ContentionRecord)
    /// One release that left waiters behind: the hold that made others wait.
    case release(ReleaseRecord)
    /// Cumulative exact counters of one lock since recording started; the latest one wins.
    case lockStatistics(LockStatisticsRecord)
    /// Events a thread's ring had to drop because it was full; cumulative, the latest one wins.
    case drops(DropRecord)
    /// A point in time the trace is known to have reached; written with every periodic flush.
    case checkpoint(CheckpointRecord)
    /// Recording ended normally at this time. A trace without it was cut short.
    case end(EndRecord)
    /// A thread acquired (or began waiting for) one lock while holding another: one edge of the
    /// lock-order graph, written once per pair with the acquiring stack.
    case lockOrder(LockOrderRecord)
    /// Threads waiting for each other in a cycle, seen while the program ran (``DeadlockRecord``).
    case deadlock(DeadlockRecord)
    /// A thread stuck in one wait longer than the stall limit, in no cycle (``StallRecord``).
    case stall(StallRecord)
    /// Locks of one creation site that died while the collector fell behind, folded into the
    /// entry of lock ``FoldedLocksRecord/lockID``; cumulative, the latest one wins.
    case foldedLocks(FoldedLocksRecord)
}

/// The kind of synchronization primitive a lock is. Raw values are part of the trace format.
public enum LockKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// A plain mutual-exclusion lock (`ProfiledLock`, `ProfiledMutex`).
    case mutex = 1
    /// A lock its owner may take again (`ProfiledRecursiveLock`).
    case recursive = 2
    /// A reader-writer lock (`ProfiledRWLock`).
    case rwlock = 3
    /// A condition variable (`ProfiledCondition`).
    case condition = 4
    /// A counting semaphore (`ProfiledSemaphore`).
    case semaphore = 5

    /// The name used in reports and JSON (`mutex`, `recursive`, …).
    public var description: String {
        switch self {
        case .mutex: "mutex"
        case .recursive: "recursive"
        case .rwlock: "rwlock"
        case .condition: "condition"
        case .semaphore: "semaphore"
        }
    }
}

/// Which process a trace describes and when its recording started.
public struct ProcessRecord: Equatable, Sendable {
    /// Operating-system process id.
    public var pid: Int32
    /// The executable's name, as the process sees itself.
    public var processName: String
    /// Wall-clock start, nanoseconds since the Unix epoch: lets reports line up several traces.
    public var startWallNanoseconds: UInt64
    /// Monotonic start time; every other time in the trace is on this clock.
    public var startNanoseconds: UInt64
    /// Which clock produced the times (`tsc` or `monotonic`), for the curious reader.
    public var clockSource: String

    /// A record of these fields.
    public init(
        pid: Int32, processName: String, startWallNanoseconds: UInt64, startNanoseconds: UInt64,
        clockSource: String
    ) {
        self.pid = pid
        self.processName = processName
        self.startWallNanoseconds = startWallNanoseconds
        self.startNanoseconds = startNanoseconds
        self.clockSource = clockSource
    }
}

/// A thread known to the trace.
public struct ThreadRecord: Equatable, Sendable {
    /// The trace-local id events refer to.
    public var threadID: UInt32
    /// The kernel's thread id (`gettid`).
    public var systemThreadID: UInt64
    /// The thread's name (`pthread_getname_np`), empty when it has none.
    public var name: String

    /// A record of these fields.
    public init(threadID: UInt32, systemThreadID: UInt64, name: String) {
        self.threadID = threadID
        self.systemThreadID = systemThreadID
        self.name = name
    }
}

/// A lock known to the trace.
public struct LockRecord: Equatable, Sendable {
    /// The trace-local id events refer to.
    public var lockID: UInt32
    /// What kind of primitive it is.
    public var kind: LockKind
    /// The name given at creation, or the creation site when none was given.
    public var name: String
    /// Where the lock was created, `Module/File.swift:42`.
    public var site: String

    /// A record of these fields.
    public init(lockID: UInt32, kind: LockKind, name: String, site: String) {
        self.lockID = lockID
        self.kind = kind
        self.name = name
        self.site = site
    }
}

/// A module (the executable or a shared object) mapped into the process.
public struct ModuleRecord: Equatable, Sendable {
    /// The trace-local id frames refer to (never 0).
    public var moduleID: UInt32
    /// Absolute path of the file that was mapped.
    public var path: String
    /// Load base: frame address − base = the module-relative offset stored in stacks.
    public var baseAddress: UInt64

    /// A record of these fields.
    public init(moduleID: UInt32, path: String, baseAddress: UInt64) {
        self.moduleID = moduleID
        self.path = path
        self.baseAddress = baseAddress
    }
}

/// One frame of a stack: a module-relative return address.
public struct Frame: Hashable, Sendable {
    /// The module the address falls in; 0 when it falls in none (then `offset` is absolute).
    public var moduleID: UInt32
    /// Address − module base. For return addresses this is the instruction after the call.
    public var offset: UInt64

    /// The frame at `offset` in module `moduleID`.
    public init(moduleID: UInt32, offset: UInt64) {
        self.moduleID = moduleID
        self.offset = offset
    }
}

/// A distinct call stack, innermost frame first.
public struct StackRecord: Equatable, Sendable {
    /// The trace-local id events refer to (never 0).
    public var stackID: UInt32
    /// Innermost (the lock call) first; at most ``TraceLimits/maximumFrames``.
    public var frames: [Frame]

    /// A record of these fields.
    public init(stackID: UInt32, frames: [Frame]) {
        self.stackID = stackID
        self.frames = frames
    }
}

/// The meaning of one frame address, resolved when the recording session ended.
public struct SymbolRecord: Equatable, Sendable {
    /// The frame this symbol belongs to.
    public var frame: Frame
    /// Demangled function name.
    public var function: String
    /// Source file, when debug information had it.
    public var file: String?
    /// Source line, when debug information had it.
    public var line: UInt32?

    /// A record of these fields.
    public init(frame: Frame, function: String, file: String?, line: UInt32?) {
        self.frame = frame
        self.function = function
        self.file = file
        self.line = line
    }

    /// The line, nil when there is none (0 is none).
    public var knownLine: UInt32? { line.flatMap { $0 == 0 ? nil : $0 } }

    /// The file when it is known, nil when it is a guess. For a module without debug information
    /// (libswift_Concurrency, libdispatch, Foundation) llvm-symbolizer still names a file, with no
    /// line: the symbol table's first `FILE` entry, usually `crtstuff.c`, which has nothing to do
    /// with the function. Debug information gives a file a line, so a file without one is
    /// dropped: no file is better than a wrong one. The report and the live profile both print
    /// this.
    public var knownFile: String? {
        guard let file, !file.isEmpty, knownLine != nil else { return nil }
        return file
    }
}

/// An acquisition that had to wait.
public struct ContentionRecord: Equatable, Sendable {
    /// The lock waited for.
    public var lockID: UInt32
    /// The thread that waited.
    public var threadID: UInt32
    /// When the wait ended (the lock was acquired, or the timeout expired).
    public var timeNanoseconds: UInt64
    /// How long the thread waited.
    public var waitNanoseconds: UInt64
    /// The waiter's stack; 0 when not captured (rate-limited, see docs/design.md).
    public var waiterStackID: UInt32
    /// The stack of the holder that released the lock to this waiter; 0 when not captured.
    public var holderStackID: UInt32
    /// True when the wait ended in a timeout rather than an acquisition.
    public var timedOut: Bool

    /// A record of these fields.
    public init(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, waitNanoseconds: UInt64,
        waiterStackID: UInt32, holderStackID: UInt32, timedOut: Bool = false
    ) {
        self.lockID = lockID
        self.threadID = threadID
        self.timeNanoseconds = timeNanoseconds
        self.waitNanoseconds = waitNanoseconds
        self.waiterStackID = waiterStackID
        self.holderStackID = holderStackID
        self.timedOut = timedOut
    }
}

/// A release that found waiters: the hold that made others wait.
public struct ReleaseRecord: Equatable, Sendable {
    /// The lock released.
    public var lockID: UInt32
    /// The thread that held the lock.
    public var threadID: UInt32
    /// When the lock was released.
    public var timeNanoseconds: UInt64
    /// How long it was held; see `holdMeasuredFromAcquisition`.
    public var holdNanoseconds: UInt64
    /// The holder's stack at release; 0 when not captured.
    public var holderStackID: UInt32
    /// True when the hold was timed from its acquisition; false when the acquisition was not
    /// timed and the hold is measured from the first waiter's arrival (a lower bound).
    public var holdMeasuredFromAcquisition: Bool

    /// A record of these fields.
    public init(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, holdNanoseconds: UInt64,
        holderStackID: UInt32, holdMeasuredFromAcquisition: Bool
    ) {
        self.lockID = lockID
        self.threadID = threadID
        self.timeNanoseconds = timeNanoseconds
        self.holdNanoseconds = holdNanoseconds
        self.holderStackID = holderStackID
        self.holdMeasuredFromAcquisition = holdMeasuredFromAcquisition
    }
}

/// Exact per-lock counters, cumulative since recording started. Its counters are read by name
/// as if they were its own properties (`record.acquisitions`, `record.waitHistogram`: see
/// ``LockCounters`` and ``LockCounter`` for what each means).
@dynamicMemberLookup
public struct LockStatisticsRecord: Equatable, Sendable {
    public var lockID: UInt32
    /// The lock's counters and wait histogram.
    public var counters: LockCounters

    public init(lockID: UInt32, counters: LockCounters) {
        self.lockID = lockID
        self.counters = counters
    }

    /// A record with the counters the first version of the format had (the others 0).
    public init(
        lockID: UInt32, acquisitions: UInt64 = 0, contendedAcquisitions: UInt64 = 0,
        failedTryLocks: UInt64 = 0, timeouts: UInt64 = 0, waitNanoseconds: UInt64 = 0,
        maximumWaitNanoseconds: UInt64 = 0, waitHistogram: [UInt64] = [], sampledHolds: UInt64 = 0,
        sampledHoldNanoseconds: UInt64 = 0, blockingHolds: UInt64 = 0,
        blockingHoldNanoseconds: UInt64 = 0
    ) {
        self.init(
            lockID: lockID,
            counters: LockCounters(
                [
                    .acquisitions: acquisitions, .contendedAcquisitions: contendedAcquisitions,
                    .failedTryLocks: failedTryLocks, .timeouts: timeouts, .waitNanoseconds: waitNanoseconds,
                    .maximumWaitNanoseconds: maximumWaitNanoseconds, .sampledHolds: sampledHolds,
                    .sampledHoldNanoseconds: sampledHoldNanoseconds, .blockingHolds: blockingHolds,
                    .blockingHoldNanoseconds: blockingHoldNanoseconds,
                ], waitHistogram: waitHistogram))
    }

    /// A counter (or the histogram) by name, as ``counters`` has it.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<LockCounters, Value>) -> Value {
        get { counters[keyPath: keyPath] }
        set { counters[keyPath: keyPath] = newValue }
    }
}

/// One edge of the lock-order graph: `acquiredLockID` was acquired (or waited for) by a thread
/// holding `heldLockID`. The runtime writes each pair once, with the first acquiring stack met.
public struct LockOrderRecord: Equatable, Sendable {
    /// The lock already held.
    public var heldLockID: UInt32
    /// The lock being acquired.
    public var acquiredLockID: UInt32
    /// The acquiring thread.
    public var threadID: UInt32
    /// The stack that acquired `acquiredLockID`; 0 when not captured.
    public var stackID: UInt32

    /// A record of these fields.
    public init(heldLockID: UInt32, acquiredLockID: UInt32, threadID: UInt32, stackID: UInt32) {
        self.heldLockID = heldLockID
        self.acquiredLockID = acquiredLockID
        self.threadID = threadID
        self.stackID = stackID
    }
}

/// Events a thread could not record because its ring was full; cumulative.
public struct DropRecord: Equatable, Sendable {
    /// The thread whose ring was full.
    public var threadID: UInt32
    /// Events it dropped since recording started.
    public var droppedEvents: UInt64

    /// A record of these fields.
    public init(threadID: UInt32, droppedEvents: UInt64) {
        self.threadID = threadID
        self.droppedEvents = droppedEvents
    }
}

/// How many dead locks the entry of one lock stands for: the runtime folds the final counters of
/// locks of one creation site (name and kind) that die faster than the collector writes them
/// into one entry, whose `lock` record is that of the first of them and whose `lockStatistics`
/// are their sum (docs/design.md, "Dead locks"). Totals per site stay exact; the folded locks'
/// own ids are gone. Cumulative since recording started.
public struct FoldedLocksRecord: Equatable, Sendable {
    /// The lock whose `lock` and `lockStatistics` records stand for the folded locks.
    public var lockID: UInt32
    /// Dead locks folded into it since recording started (itself included).
    public var foldedLocks: UInt64

    /// A record of these fields.
    public init(lockID: UInt32, foldedLocks: UInt64) {
        self.lockID = lockID
        self.foldedLocks = foldedLocks
    }
}

/// A time the recording is known to have reached.
public struct CheckpointRecord: Equatable, Sendable {
    /// The time reached, on the process's monotonic clock.
    public var timeNanoseconds: UInt64

    /// A checkpoint at `timeNanoseconds`.
    public init(timeNanoseconds: UInt64) {
        self.timeNanoseconds = timeNanoseconds
    }
}

/// Recording ended normally.
public struct EndRecord: Equatable, Sendable {
    /// When recording stopped, on the process's monotonic clock.
    public var timeNanoseconds: UInt64

    /// The end of recording at `timeNanoseconds`.
    public init(timeNanoseconds: UInt64) {
        self.timeNanoseconds = timeNanoseconds
    }
}

/// Bounds shared by writer and reader. The reader rejects anything beyond them, so a corrupt
/// length can never make it allocate without limit.
public enum TraceLimits {
    /// Frames kept per stack.
    public static let maximumFrames = 64
    /// Largest chunk payload a writer produces and a reader accepts.
    public static let maximumChunkBytes = 16 << 20
    /// Longest string (names, paths) in a record.
    public static let maximumStringBytes = 64 << 10
    /// Buckets in ``LockCounters/waitHistogram``: one per power of two of nanoseconds.
    public static let histogramBuckets = 64
    /// One uncontended hold in this many is timed, to estimate hold time cheaply.
    public static let holdSampleInterval: UInt64 = 64
}

/// A thread asleep on a profiled lock right now, as ``LockProfiler/currentWaits()`` reads it:
/// which thread, which lock, for how long so far, and which profiled locks that thread holds
/// while it waits (what it keeps others from).
///
/// ```swift
/// for wait in LockProfiler.currentWaits() where wait.waitedNanoseconds > 1_000_000_000 {
///     print("thread \(wait.systemThreadID) waits for \(wait.lockName ?? "?") holding \(wait.heldLockIDs)")
/// }
/// ```
public struct LockWait: Sendable, Equatable {
    /// lockprof's id of the waiting thread: the `thread` of its traces and reports.
    public var threadID: UInt32
    /// The kernel's id of the waiting thread (`gettid`).
    public var systemThreadID: UInt64
    /// The waiting thread's name when it first recorded, empty when it had none.
    public var threadName: String
    /// The lock it waits for (a ``LockSnapshot/lockID``).
    public var lockID: UInt32
    /// That lock's name (``LockProfiler/lockName(of:)``); nil when the lock no longer exists.
    public var lockName: String?
    /// How long it has waited so far, spinning included.
    public var waitedNanoseconds: UInt64
    /// The profiled locks it holds, taken while recording, first taken first: the innermost
    /// eight when it holds more.
    public var heldLockIDs: [UInt32]

    /// A wait as ``LockProfiler/currentWaits()`` reports it.
    public init(
        threadID: UInt32, systemThreadID: UInt64, threadName: String, lockID: UInt32, lockName: String?,
        waitedNanoseconds: UInt64, heldLockIDs: [UInt32]
    ) {
        self.threadID = threadID
        self.systemThreadID = systemThreadID
        self.threadName = threadName
        self.lockID = lockID
        self.lockName = lockName
        self.waitedNanoseconds = waitedNanoseconds
        self.heldLockIDs = heldLockIDs
    }
}

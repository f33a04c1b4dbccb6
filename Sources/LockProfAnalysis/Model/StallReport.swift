import LockProfFormat

/// A thread the runtime's watchdog saw stuck in one wait on a profiled lock for longer than the
/// stall limit, in no deadlock cycle (a `stall` record): whoever held the lock was alive but off
/// doing something else. Unlike a ``DeadlockReport``, the wait may have ended later.
public struct StallReport: Equatable, Sendable {
    /// The process (pid) the stall happened in.
    public var process: Int32
    /// The stuck thread's id in its process's trace.
    public var threadID: UInt32
    /// Its name as the thread record gave it (empty when unnamed or unknown).
    public var name: String
    /// The name of the lock it waited for.
    public var waitsFor: String
    /// The names of the profiled locks it held while waiting (acquired while recording).
    public var holds: [String]
    /// How long it had waited when the watchdog wrote the record.
    public var waitNanoseconds: UInt64
    /// Where it waited (the acquisition of `waitsFor`), innermost first; empty when not captured.
    public var stack: [FrameReport]

    /// The stalls recorded in `trace`, in trace order.
    static func stalls(in trace: ProcessTrace) -> [StallReport] {
        guard !trace.stalls.isEmpty else { return [] }
        let symbolizer = Symbolizer(trace: trace)
        func name(_ lockID: UInt32) -> String { trace.locks[lockID]?.name ?? "lock #\(lockID)" }
        return trace.stalls.map { record in
            let waiter = record.waiter
            return StallReport(
                process: trace.pid, threadID: waiter.threadID, name: trace.threads[waiter.threadID]?.name ?? "",
                waitsFor: name(waiter.waitsForLockID), holds: waiter.heldLockIDs.map(name), waitNanoseconds: waiter.waitNanoseconds,
                stack: waiter.stackID == 0 ? [] : symbolizer.frames(ofStack: waiter.stackID))
        }
    }
}

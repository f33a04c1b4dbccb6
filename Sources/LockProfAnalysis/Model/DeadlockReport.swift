import LockProfFormat

/// A deadlock the runtime's watchdog saw while the program ran (a `deadlock` record): threads
/// each sleeping on a lock the next one holds, in a cycle. Unlike a ``LockOrderInversion`` (which
/// could deadlock), this one did: the program was stuck when the record was written.
public struct DeadlockReport: Equatable, Sendable {
    /// One thread of the cycle.
    public struct Thread: Equatable, Sendable {
        /// The thread's id in its process's trace.
        public var threadID: UInt32
        /// Its name as the thread record gave it (empty when unnamed or unknown).
        public var name: String
        /// The names of the cycle's locks it holds (other locks it holds are not listed).
        public var holds: [String]
        /// The name of the lock it waits for.
        public var waitsFor: String
        /// How long it had waited when the watchdog wrote the record.
        public var waitNanoseconds: UInt64
        /// Where it waits (the acquisition of `waitsFor`), innermost first; empty when not captured.
        public var stack: [FrameReport]
    }

    /// The process (pid) the deadlock happened in.
    public var process: Int32
    /// The cycle's lock names, in wait order (thread i waits for `locks[i]`).
    public var locks: [String]
    /// The cycle's threads in wait order: each waits for a lock the next one holds.
    public var threads: [Thread]

    /// The deadlocks recorded in `trace`, in trace order.
    static func deadlocks(in trace: ProcessTrace) -> [DeadlockReport] {
        let symbolizer = Symbolizer(trace: trace)
        func name(_ lockID: UInt32) -> String { trace.locks[lockID]?.name ?? "lock #\(lockID)" }
        return trace.deadlocks.map { record in
            let waited = Set(record.waiters.map(\.waitsForLockID))
            let threads = record.waiters.map { waiter in
                Thread(
                    threadID: waiter.threadID, name: trace.threads[waiter.threadID]?.name ?? "",
                    holds: waiter.heldLockIDs.filter(waited.contains).map(name), waitsFor: name(waiter.waitsForLockID),
                    waitNanoseconds: waiter.waitNanoseconds,
                    stack: waiter.stackID == 0 ? [] : symbolizer.frames(ofStack: waiter.stackID))
            }
            return DeadlockReport(process: trace.pid, locks: threads.map(\.waitsFor), threads: threads)
        }
    }
}

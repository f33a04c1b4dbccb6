/// A deadlock seen while the program ran: threads that each sleep on a profiled lock held by the
/// next one, in a cycle, for longer than `LOCKPROF_DEADLOCK_AFTER`. The runtime's watchdog writes
/// it once per cycle and flushes it at once, so a trace read after the hung process is killed
/// still has it (docs/trace-format.md, tag 14).
public struct DeadlockRecord: Equatable, Sendable {
    /// One thread of the cycle: what it waits for, what it holds, where it waits.
    public struct Waiter: Equatable, Sendable {
        /// The waiting thread (a trace thread id).
        public var threadID: UInt32
        /// The lock it sleeps on.
        public var waitsForLockID: UInt32
        /// The profiled locks it holds (acquired while recording), first taken first.
        public var heldLockIDs: [UInt32]
        /// How long it had been waiting when the record was written.
        public var waitNanoseconds: UInt64
        /// The stack it waits at (0 when not captured); the acquisition of `waitsForLockID`.
        public var stackID: UInt32

        /// A waiter of these fields.
        public init(threadID: UInt32, waitsForLockID: UInt32, heldLockIDs: [UInt32], waitNanoseconds: UInt64, stackID: UInt32) {
            self.threadID = threadID
            self.waitsForLockID = waitsForLockID
            self.heldLockIDs = heldLockIDs
            self.waitNanoseconds = waitNanoseconds
            self.stackID = stackID
        }
    }

    /// When the watchdog saw the cycle persist.
    public var timeNanoseconds: UInt64
    /// The threads of the cycle, each waiting for a lock the next one holds (the last: the first's).
    public var waiters: [Waiter]

    /// A record of these fields.
    public init(timeNanoseconds: UInt64, waiters: [Waiter]) {
        self.timeNanoseconds = timeNanoseconds
        self.waiters = waiters
    }

    /// Threads in one record at most (the reader's limit).
    public static let maximumWaiters = 1024
    /// Held locks per waiter at most (the reader's limit).
    public static let maximumHeldLocks = 64

    func encodeBody(into sink: inout ByteSink) {
        sink.varint(timeNanoseconds)
        sink.varint(UInt64(waiters.count))
        for waiter in waiters { waiter.encode(into: &sink) }
    }

    static func decodeBody(from source: inout ByteSource) throws(DecodeFailure) -> DeadlockRecord {
        let time = try source.varint()
        let count = try source.count(limit: maximumWaiters, minimumBytes: 5)
        var waiters: [Waiter] = []
        for _ in 0..<count { waiters.append(try Waiter(decoding: &source)) }
        return DeadlockRecord(timeNanoseconds: time, waiters: waiters)
    }
}

extension DeadlockRecord.Waiter {
    /// Thread id, waited-for lock id, wait ns, stack id, held-lock count, held lock ids (varints):
    /// the same bytes in a `deadlock` and a `stall` record.
    func encode(into sink: inout ByteSink) {
        sink.varint(threadID)
        sink.varint(waitsForLockID)
        sink.varint(waitNanoseconds)
        sink.varint(stackID)
        sink.varint(UInt64(heldLockIDs.count))
        for lock in heldLockIDs { sink.varint(lock) }
    }

    init(decoding source: inout ByteSource) throws(DecodeFailure) {
        let thread = try source.varint32()
        let lock = try source.varint32()
        let wait = try source.varint()
        let stack = try source.varint32()
        let heldCount = try source.count(limit: DeadlockRecord.maximumHeldLocks)
        var held: [UInt32] = []
        for _ in 0..<heldCount { held.append(try source.varint32()) }
        self.init(threadID: thread, waitsForLockID: lock, heldLockIDs: held, waitNanoseconds: wait, stackID: stack)
    }
}

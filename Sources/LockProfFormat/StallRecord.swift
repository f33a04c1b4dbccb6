/// A thread stuck in one wait on a profiled lock for longer than `LOCKPROF_STALL_AFTER` (seconds,
/// default 10), in no deadlock cycle: the holder is alive but off doing something else (blocked
/// on I/O, a condition, a lock lockprof does not see, or just slow). The runtime's watchdog
/// writes it once per wait and flushes it at once (docs/trace-format.md, tag 15).
public struct StallRecord: Equatable, Sendable {
    /// When the watchdog saw the wait pass the limit.
    public var timeNanoseconds: UInt64
    /// The stuck thread: the lock it waits for, the locks it holds, how long it had waited, where.
    public var waiter: DeadlockRecord.Waiter

    /// A record of these fields.
    public init(timeNanoseconds: UInt64, waiter: DeadlockRecord.Waiter) {
        self.timeNanoseconds = timeNanoseconds
        self.waiter = waiter
    }

    func encodeBody(into sink: inout ByteSink) {
        sink.varint(timeNanoseconds)
        waiter.encode(into: &sink)
    }

    static func decodeBody(from source: inout ByteSource) throws(DecodeFailure) -> StallRecord {
        let time = try source.varint()
        return StallRecord(timeNanoseconds: time, waiter: try DeadlockRecord.Waiter(decoding: &source))
    }
}

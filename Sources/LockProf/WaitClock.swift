/// Arithmetic on `lockprof_now_ns` times that survives a clock stepping back.
///
/// The TSC of one core may lag another's, so a time read after another, on another core, can be
/// smaller. No wait or hold is then negative (wrapped to about 2^64 ns, the histogram's last
/// bucket) and no timeout computation traps: an elapsed time is at least 0, a deadline saturates,
/// and the time left until it fits futex_wait's signed nanoseconds.
enum WaitClock {
    /// `now − start`, or 0 when `now` is before `start`.
    @inline(__always)
    static func elapsed(from start: UInt64, to now: UInt64) -> UInt64 {
        now > start ? now &- start : 0
    }

    /// `timeoutNanoseconds` (≥ 0) after `start`, saturating at the end of the time line.
    @inline(__always)
    static func deadline(after start: UInt64, timeoutNanoseconds: Int64) -> UInt64 {
        let (sum, overflow) = start.addingReportingOverflow(UInt64(max(timeoutNanoseconds, 0)))
        return overflow ? .max : sum
    }

    /// The time from `now` to `deadline` (`now < deadline`), as futex_wait takes it: at most
    /// `Int64.max` (`now` may be before the wait's start when the clock stepped back).
    @inline(__always)
    static func remaining(until deadline: UInt64, from now: UInt64) -> Int64 {
        Int64(clamping: deadline &- now)
    }
}

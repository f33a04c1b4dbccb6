/// How long recording ran, per process and across processes.
///
/// A process's runtime is `end − start`; for a trace without an `end` record (cut short) it is
/// the last checkpoint or event time − start, and the report says the trace is incomplete. Several
/// processes together ran for the wall-clock span that covers all of them.
package enum ProcessRuntime {
    /// The runtime of one process, in nanoseconds.
    package static func nanoseconds(of trace: ProcessTrace) -> UInt64 {
        let start = trace.process?.startNanoseconds ?? trace.firstTimeNanoseconds ?? 0
        let end = trace.endedNormally ? trace.endNanoseconds : trace.lastTimeNanoseconds
        guard let end, end > start else { return 0 }
        return end - start
    }

    /// The wall-clock span covering all `traces`, in nanoseconds: from the earliest start to the
    /// latest end. A process whose `process` record was lost has no wall-clock position and only
    /// counts when the span would otherwise be shorter than its runtime.
    package static func spanNanoseconds(of traces: [ProcessTrace]) -> UInt64 {
        var earliest: UInt64?
        var latest: UInt64?
        var longest: UInt64 = 0
        for trace in traces {
            let runtime = nanoseconds(of: trace)
            longest = max(longest, runtime)
            guard let wallStart = trace.process?.startWallNanoseconds else { continue }
            earliest = min(earliest ?? wallStart, wallStart)
            latest = max(latest ?? 0, wallStart.addingClamped(runtime))
        }
        guard let earliest, let latest else { return longest }
        return max(latest - earliest, longest)
    }
}

/// One reason `lockprof check` fails: a limit a lock broke, a regression against the baseline, or
/// (once lock-order inversions are analysed) an inversion the policy does not allow.
public struct CheckFailure: Equatable, Sendable, CustomStringConvertible {
    /// What was broken, with the figures the message shows.
    public enum Reason: Equatable, Sendable {
        /// Wait fraction above its limit.
        case waitFraction(actual: Double, limit: Double)
        /// 99th-percentile wait above its limit, nanoseconds.
        case p99Wait(actualNanoseconds: UInt64, limitNanoseconds: UInt64)
        /// Share of contended acquisitions above its limit.
        case contendedShare(actual: Double, limit: Double)
        /// Wait fraction grew past the tolerance against the baseline.
        case regression(before: Double, after: Double, tolerance: RegressionTolerance)
        /// A lock-order inversion, described in one line; fails unless inversions are allowed.
        case inversion(String)
        /// A deadlock the runtime saw while the program ran, described in one line; always fails,
        /// whatever the limits, the baseline or the ignored locks.
        case deadlock(String)
    }

    /// What was broken.
    public var reason: Reason

    /// A failure for `reason`.
    public init(_ reason: Reason) { self.reason = reason }

    /// The reason's kind as a word, for JSON and JUnit (`wait_fraction`, `p99_wait`,
    /// `contended_share`, `regression`, `inversion`, `deadlock`).
    public var kind: String {
        switch reason {
        case .waitFraction: "wait_fraction"
        case .p99Wait: "p99_wait"
        case .contendedShare: "contended_share"
        case .regression: "regression"
        case .inversion: "inversion"
        case .deadlock: "deadlock"
        }
    }

    /// Why, in one clause: `wait 62.0% of runtime > 10%`.
    public var description: String {
        switch reason {
        case .waitFraction(let actual, let limit):
            "wait \(ReportFormatting.percentColumn(actual)) of runtime > \(ReportFormatting.percent(limit))"
        case .p99Wait(let actual, let limit):
            "p99 wait \(ReportFormatting.duration(nanoseconds: actual)) > \(ReportFormatting.duration(nanoseconds: limit))"
        case .contendedShare(let actual, let limit):
            "contended \(ReportFormatting.percentColumn(actual)) of acquisitions > \(ReportFormatting.percent(limit))"
        case .regression(let before, let after, let tolerance):
            "wait \(ReportFormatting.percentColumn(after)) of runtime, was \(ReportFormatting.percentColumn(before)) in the baseline "
                + "(allowed: +\(ReportFormatting.percent(tolerance.relative)) and +\(ReportFormatting.percent(tolerance.absolute)) of runtime)"
        case .inversion(let text):
            "lock-order inversion: \(text)"
        case .deadlock(let text):
            "deadlock: \(text)"
        }
    }
}

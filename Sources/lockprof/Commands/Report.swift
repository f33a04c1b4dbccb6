import ArgumentParser
import LockProfAnalysis

/// `lockprof report TRACE...`: the ranked table of locks, the stacks of the flagged ones, the verdict.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report which locks made threads wait, ranked by total wait.",
        discussion: """
            Several traces are merged; each file is one process (a file written by `lockprof merge` \
            holds several). JSON output is documented in docs/report-schema.md.

            Examples:
              lockprof report trace.bin --top 5 --stacks 2
              lockprof report server.trace worker.trace --threshold 5%
              lockprof report trace.bin --format json > baseline.json
            """
    )

    @Argument(help: "Trace files written by the LockProf runtime.")
    var traces: [String]

    @Option(parsing: .unconditional, help: "Flag locks whose wait exceeds this share of runtime: a percentage (10%) or a fraction (0.1).")
    var threshold: String = "10%"

    @Option(help: "Output format.")
    var format: ReportFormat = .text

    @Option(help: "Locks to list, most wait first; flagged locks are always listed.")
    var top: Int = 20

    @Option(help: "Holder and waiter stacks to show per lock.")
    var stacks: Int = 3

    func validate() throws {
        _ = try WaitFractionArgument.parse(threshold, option: "--threshold")
        guard top > 0 else { throw ValidationError("--top must be at least 1, got \(top).") }
        guard stacks >= 0 else { throw ValidationError("--stacks must be 0 or more, got \(stacks).") }
        guard !traces.isEmpty else { throw ValidationError("Give at least one trace file.") }
    }

    func run() throws {
        let fraction = try WaitFractionArgument.parse(threshold, option: "--threshold")
        let progress = ProgressLine.onTerminal()
        defer { progress?.finish() }
        let report = try CommandFailure.reporting {
            try ContentionAnalysis.report(paths: traces, threshold: fraction, progress: progress?.callback)
        }
        progress?.finish()
        CommandFailure.printOutput(Self.render(report, format: format, top: top, stacks: stacks))
    }

    /// The report in `format`, listing at most `top` locks (and every flagged one) and `stacks`
    /// stacks per side per lock.
    static func render(_ report: ContentionReport, format: ReportFormat, top: Int, stacks: Int) -> String {
        let limited = report.limited(locks: top, stacks: stacks)
        switch format {
        case .text: return TextReportRenderer().render(limited)
        case .json: return JSONReportRenderer().render(limited)
        }
    }
}

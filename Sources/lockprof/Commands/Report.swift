import ArgumentParser
import LockProfAnalysis

/// `lockprof report TRACE...`: the ranked table of locks, the stacks of the flagged ones, the verdict.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report which locks made threads wait, ranked by total wait.",
        discussion: """
            Several traces are merged; each file is one process (a file written by `lockprof merge` \
            holds several). JSON output is documented in docs/report-schema.md. HTML output is one \
            self-contained page (no network resource): the lock table, icicle graphs of the flagged \
            locks' stacks, their wait histograms, a per-thread timeline and the lock-order inversions.

            Examples:
              lockprof report trace.bin --top 5 --stacks 2
              lockprof report trace.bin --all --stacks 0
              lockprof report server.trace worker.trace --threshold 5%
              lockprof report trace.bin --format json > baseline.json
              lockprof report trace.bin --format html -o report.html
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

    @Flag(help: "List every lock (a trace of a million locks lists a million rows); overrides --top.")
    var all = false

    @Option(help: "Holder and waiter stacks to show per lock (default 3; 20 for html, whose icicle graphs merge them).")
    var stacks: Int?

    @Option(name: [.short, .customLong("output")], help: "Write the report to this file instead of standard output.")
    var output: String?

    func validate() throws {
        _ = try WaitFractionArgument.parse(threshold, option: "--threshold")
        guard top > 0 else { throw ValidationError("--top must be at least 1, got \(top).") }
        if let stacks, stacks < 0 { throw ValidationError("--stacks must be 0 or more, got \(stacks).") }
        if output?.isEmpty == true { throw ValidationError("--output must be a file path.") }
        guard !traces.isEmpty else { throw ValidationError("Give at least one trace file.") }
    }

    func run() throws {
        let fraction = try WaitFractionArgument.parse(threshold, option: "--threshold")
        let progress = ProgressLine.onTerminal()
        defer { progress?.finish() }
        let listed = all ? Int.max : top
        // HTML's timeline picks the busiest locks from the whole report; text and JSON list only
        // `listed`, so only those are built.
        let report = try CommandFailure.reporting {
            try ContentionAnalysis.report(
                paths: traces, threshold: fraction, progress: progress?.callback, listing: format == .html ? .max : listed)
        }
        let rendered = try CommandFailure.reporting {
            try Self.render(report, of: traces, format: format, top: listed, stacks: stacks)
        }
        progress?.finish()
        guard let output else { return CommandFailure.printOutput(rendered) }
        try CommandFailure.reporting { try FileAccess.write(Array(rendered.utf8), to: output) }
    }

    /// The report of `traces` in `format`, listing at most `top` locks (and every flagged one) and
    /// `stacks` stacks per side per lock. HTML also reads the traces' events again for its timeline.
    static func render(
        _ report: ContentionReport, of traces: [String], format: ReportFormat, top: Int, stacks: Int?
    ) throws(AnalysisError) -> String {
        let limited = report.limited(locks: top, stacks: stacks ?? (format == .html ? 20 : 3))
        switch format {
        case .text: return TextReportRenderer().render(limited)
        case .json: return JSONReportRenderer().render(limited)
        case .html: return HTMLReportRenderer().render(limited, timeline: try ThreadTimeline.read(paths: traces, report: report))
        }
    }
}

import ArgumentParser
import Foundation
import LockProf
import LockProfAnalysis

/// `lockprof demo`: records a built-in multi-threaded workload, reads the trace back and reports it.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a built-in workload with real threads (about a second) and print its report.",
        discussion: """
            Runs a hot global lock (demo.hot-counter), a sharded counter (demo.shard-*), a striped \
            dictionary (demo.stripe-*), a bank account that sleeps under its lock (demo.account), \
            its fix (demo.account-fixed), a lock one thread uses alone (demo.solo), two locks taken \
            in opposite orders (demo.order-a, demo.order-b: one lock-order inversion), a read-mostly \
            cache on a reader-writer lock (demo.cache), producers and consumers on a condition \
            (demo.queue, demo.queue-ready) and a re-entrant lock (demo.registry). Expect \
            demo.hot-counter and demo.account to be flagged, and the inversion reported. \
            Not in the default run: --scenario semaphore-pool flags demo.pool; --scenario \
            timed-out-deadlock deadlocks two threads on purpose, each giving up after 100 ms; \
            --scenario deadlock deadlocks them for real and never ends: report its trace from \
            another shell while it hangs, then kill it.

            Examples:
              lockprof demo --scenario bank-account --output account.trace
              lockprof demo --html demo.html      # also write the report as one HTML page
            """
    )

    @Option(help: "Where to write the trace (replaced if it exists).")
    var output: String = "lockprof-demo.trace"

    @Option(help: "Output format.")
    var format: ReportFormat = .text

    @Option(help: "Also write the report as a self-contained HTML page to this file.")
    var html: String?

    @Option(
        name: .customLong("scenario"),
        help: "Run only this workload (repeatable): \(DemoScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenarios: [DemoScenario] = []

    @Option(parsing: .unconditional, help: "Flag locks whose wait exceeds this share of runtime: a percentage (10%) or a fraction (0.1).")
    var threshold: String = "10%"

    func validate() throws {
        _ = try WaitFractionArgument.parse(threshold, option: "--threshold")
        guard !output.isEmpty else { throw ValidationError("--output must be a file path.") }
        if html?.isEmpty == true { throw ValidationError("--html must be a file path.") }
    }

    func run() throws {
        let fraction = try WaitFractionArgument.parse(threshold, option: "--threshold")
        try CommandFailure.reporting { try LockProfiler.start(tracePath: output, overwrite: true) }
        let outcomes = DemoWorkload.run(scenarios)
        LockProfiler.stop()

        let report = try CommandFailure.reporting { try ContentionAnalysis.report(paths: [output], threshold: fraction) }
        CommandFailure.printOutput(try CommandFailure.reporting { try Report.render(report, of: [output], format: format, top: 40, stacks: nil) })
        if let html {
            let page = try CommandFailure.reporting { try Report.render(report, of: [output], format: .html, top: 40, stacks: nil) }
            try CommandFailure.reporting { try FileAccess.write(Array(page.utf8), to: html) }
        }
        CommandFailure.printError("lockprof: demo ran \(DemoWorkload.timings(outcomes)); trace written to \(output)" + (html.map { ", page to \($0)" } ?? ""))

        let problems = outcomes.flatMap(\.problems) + Self.countMismatches(outcomes, report: report)
        if let first = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
            throw CommandFailure.fail("demo counts do not add up: \(first)\(more)", code: 1)
        }
    }

    /// Locks whose recorded acquisitions differ from the acquisitions the workload made.
    static func countMismatches(_ outcomes: [DemoOutcome], report: ContentionReport) -> [String] {
        let recorded = Dictionary(report.locks.map { ($0.name, $0.acquisitions) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for outcome in outcomes {
            for (name, made) in outcome.acquisitions.sorted(by: { $0.key < $1.key }) {
                guard let entry = recorded[name] else {
                    problems.append("\(name) is missing from the trace (\(made) acquisitions made)")
                    continue
                }
                guard let counted = entry else {
                    problems.append("\(name) has no counters in the trace (\(made) acquisitions made)")
                    continue
                }
                if counted != made { problems.append("\(name) recorded \(counted) acquisitions, \(made) were made") }
            }
        }
        return problems
    }
}

import ArgumentParser
import LockProfAnalysis

/// `lockprof check TRACE...`: a CI gate. Exit 0 when no lock waits more than the allowed share of
/// runtime, 1 with a `FAIL` line per lock that does, 2 when a trace cannot be read.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail (exit 1) when a lock's wait exceeds the allowed share of runtime.",
        discussion: "Exit codes: 0 all locks within the limit, 1 some lock exceeds it, 2 a trace cannot be read."
    )

    @Argument(help: "Trace files written by the LockProf runtime.")
    var traces: [String]

    @Option(parsing: .unconditional, help: "The largest allowed wait, as a share of runtime: a percentage (10%) or a fraction (0.1).")
    var maxWaitFraction: String = "10%"

    func validate() throws {
        _ = try WaitFractionArgument.parse(maxWaitFraction, option: "--max-wait-fraction")
        guard !traces.isEmpty else { throw ValidationError("Give at least one trace file.") }
    }

    func run() throws {
        let limit = try WaitFractionArgument.parse(maxWaitFraction, option: "--max-wait-fraction")
        let report = try CommandFailure.reporting { try ContentionAnalysis.report(paths: traces, threshold: limit) }
        for note in report.notes { CommandFailure.printError("note: \(note)") }
        let multipleProcesses = report.processes.count > 1
        for lock in report.flaggedLocks {
            print(
                "FAIL \(ContentionAnalysis.displayName(lock, multipleProcesses: multipleProcesses)): "
                    + "wait \(ReportFormatting.percentColumn(lock.waitFraction)) of runtime > \(ReportFormatting.percent(limit))")
        }
        if report.verdict.hasFlaggedLocks { throw ExitCode(1) }
        print("OK \(report.verdict)")
    }
}

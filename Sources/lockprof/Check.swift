import ArgumentParser
import LockProfAnalysis

/// `lockprof check TRACE...`: a CI gate. Exit 0 when no lock waits more than the allowed share of
/// runtime and no lock-order inversion was recorded, 1 with a `FAIL` line per lock and per
/// inversion (unless `--allow-inversions`), 2 when a trace cannot be read.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail (exit 1) when a lock's wait exceeds the allowed share of runtime, or locks were taken in opposite orders.",
        discussion: "Exit codes: 0 all locks within the limit and no lock-order inversion, 1 some lock exceeds it or an inversion was found, 2 a trace cannot be read."
    )

    @Argument(help: "Trace files written by the LockProf runtime.")
    var traces: [String]

    @Option(parsing: .unconditional, help: "The largest allowed wait, as a share of runtime: a percentage (10%) or a fraction (0.1).")
    var maxWaitFraction: String = "10%"

    @Flag(help: "Do not fail on lock-order inversions (locks taken in opposite orders by different code).")
    var allowInversions = false

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
        let inversions = allowInversions ? [] : report.inversions
        for inversion in inversions { print("FAIL lock-order inversion: \(inversion.description)") }
        if report.verdict.hasFlaggedLocks || !inversions.isEmpty { throw ExitCode(1) }
        print("OK \(report.verdict)")
    }
}

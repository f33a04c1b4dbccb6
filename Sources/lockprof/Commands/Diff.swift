import ArgumentParser
import LockProfAnalysis
import LockProfReporting

/// `lockprof diff BASE NEW`: per lock, the wait before and after, new and gone locks.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs lock by lock: wait before and after, new and gone locks.",
        discussion: """
            Each side is a trace or a JSON report (`lockprof report --format json`). Locks are \
            matched by name; the largest change of wait fraction comes first.

            Example:
              lockprof report main.trace --format json > main.json
              lockprof diff main.json pr.trace
            """
    )

    @Argument(help: "The base run: a trace or a JSON report.")
    var base: String

    @Argument(help: "The new run: a trace or a JSON report.")
    var new: String

    func run() throws {
        let before = try CommandFailure.reporting { try Check.loadBaseline(base) }
        let after = try CommandFailure.reporting { try Check.loadBaseline(new) }
        CommandFailure.printOutput(DiffTextRenderer().render(ContentionDiff(before: before, after: after)))
    }
}

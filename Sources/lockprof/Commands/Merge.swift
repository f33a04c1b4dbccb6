import ArgumentParser
import Foundation
import LockProfAnalysis

/// `lockprof merge A.bin B.bin -o all.bin`: several processes' or runs' traces in one file.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine traces of several processes or runs into one trace file.",
        discussion: """
            Every lock keeps its process of origin: `lockprof report all.bin` shows the same locks \
            as `lockprof report A.bin B.bin`. Only intact chunks are copied; damage found in an \
            input is printed as a note.

            Example:
              lockprof merge server.trace worker-*.trace -o all.trace && lockprof report all.trace
            """
    )

    @Argument(help: "Trace files to combine.")
    var traces: [String]

    @Option(name: [.short, .customLong("output")], help: "The merged trace (replaced if it exists).")
    var output: String

    func validate() throws {
        guard !traces.isEmpty else { throw ValidationError("Give at least one trace file.") }
        let target = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
        if traces.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path == target }) {
            throw ValidationError("--output \(output) is also an input: write the merged trace to another file.")
        }
    }

    func run() throws {
        let notes: [ReportNote]
        do {
            notes = try CommandFailure.reporting { try TraceMerge.merge(traces, into: output) }
        } catch {
            try? FileManager.default.removeItem(atPath: output)  // never leave half a merge behind
            throw error
        }
        for note in notes { CommandFailure.printError("note: \(note)") }
    }
}

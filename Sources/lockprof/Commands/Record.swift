import ArgumentParser
import Foundation
import LockProfAnalysis
import LockProfFormat

/// `lockprof record -- PROGRAM [ARGS…]`: profiles a program nobody changed, through the pthread
/// interposition library (liblockprof-preload.so) loaded with LD_PRELOAD.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a program as it is and record its pthread locks (NSLock, NIOLock, C libraries…).",
        discussion: """
            Loads liblockprof-preload.so (built next to lockprof) into PROGRAM with LD_PRELOAD. \
            Standard streams, exit status and signals pass through; the trace is written when the \
            program exits (symbolized then, in this process). Child processes the program starts \
            are written beside it, as PATH.<pid>. Locks that do not go through pthread \
            (Synchronization.Mutex, DispatchQueue, statically linked programs) are not seen: \
            use ProfiledMutex for those.

            Without this command, load the library yourself: LOCKPROF_TRACE names its raw log \
            (%p becomes the pid; an existing file is never replaced), which report, check, diff, \
            merge and export read as a trace.

            Examples:
              lockprof record -- .build/release/my-server --port 8080
              lockprof record -o server.trace --report -- ./server
              lockprof report lockprof.trace
              LD_PRELOAD=.build/release/liblockprof-preload.so LOCKPROF_TRACE=t.%p.bin ./server
              lockprof report t.*.bin
            """
    )

    @Option(name: [.short, .customLong("output")], help: "The trace to write.")
    var output: String = "lockprof.trace"

    @Option(parsing: .unconditional, help: "With --report: flag locks whose wait exceeds this share of runtime.")
    var threshold: String = "10%"

    @Flag(help: "Print the report when the program has exited.")
    var report = false

    @Flag(help: "Replace an existing trace.")
    var force = false

    @Argument(parsing: .captureForPassthrough, help: "The program to run and its arguments (after --).")
    var command: [String] = []

    private var program: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
        // The passthrough capture takes everything after the options, `--help` included.
        if let first = command.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
        _ = try WaitFractionArgument.parse(threshold, option: "--threshold")
        if output.isEmpty { throw ValidationError("--output must be a file path.") }
        guard !program.isEmpty else { throw ValidationError("Give the program to run after --: lockprof record -- PROGRAM [ARGS…].") }
    }

    func run() throws {
        let fraction = try WaitFractionArgument.parse(threshold, option: "--threshold")
        if !force && FileManager.default.fileExists(atPath: output) {
            throw CommandFailure.fail("\(output) exists (use --force to replace it)", code: CommandFailure.unreadableInput)
        }
        // Checked before the program runs: finding out afterwards would lose what it recorded.
        let outputDirectory = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: outputDirectory) else {
            throw CommandFailure.fail(
                "\(output): cannot write the trace: \(outputDirectory) is not a writable directory", code: CommandFailure.unreadableInput)
        }
        let library = try Self.preloadLibrary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-record-\(UUID().uuidString)")
        try CommandFailure.reporting { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        // Removed once every raw log became a trace; kept (and said where) when one could not.
        var keepRawLogs = false
        defer { if !keepRawLogs { try? FileManager.default.removeItem(at: directory) } }

        let child: ChildProcess
        do {
            child = try ChildProcess.start(
                program[0], arguments: Array(program.dropFirst()),
                environment: Self.environment(library: library, log: directory.path + "/raw.%p"))
        } catch {
            throw CommandFailure.fail("cannot run \(program[0]): \(error)", code: 127)
        }
        let ending: ChildProcess.Ending
        do { ending = try child.wait() } catch { throw CommandFailure.fail("waiting for \(program[0]): \(error)", code: 2) }

        do {
            try writeTraces(from: directory, childPID: child.pid, fraction: fraction)
        } catch let failure as RawLogKept {
            keepRawLogs = true
            throw CommandFailure.fail(
                "cannot write a trace from the raw log (\(failure.reason)): the raw log is kept in \(failure.path)",
                code: CommandFailure.unreadableInput)
        }
        switch ending {
        case .exited(0): return
        case .exited(let code): throw ExitCode(code)
        case .killed(let signal):
            // Ending by the signal never returns, so the deferred removal would not run.
            try? FileManager.default.removeItem(at: directory)
            ChildProcess.terminate(bySignal: signal)
        }
    }

    /// Converts the raw log of the program (and of its children, to `output.<pid>`).
    private func writeTraces(from directory: URL, childPID: Int32, fraction: Double) throws {
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let mine = "raw.\(childPID)"
        guard logs.contains(mine) else {
            CommandFailure.printError(
                "lockprof: no pthread lock calls were seen: \(program[0]) did not load liblockprof-preload.so "
                    + "(a statically linked or setuid program ignores LD_PRELOAD); no trace written. "
                    + "Profile such a program with ProfiledMutex or ProfiledLock (LockProf).")
            return
        }
        for name in logs.sorted() where name.hasPrefix("raw.") {
            let isChild = name != mine
            let path = isChild ? output + "." + name.dropFirst(4) : output
            let summary: PreloadTraceConverter.Summary
            do {
                let log = try PreloadLog(bytes: FileAccess.read(directory.path + "/" + name))
                summary = try PreloadTraceConverter.convert(log, to: path, overwrite: force)
            } catch {
                throw RawLogKept(path: directory.path + "/" + name, reason: "\(error)")
            }
            if !summary.ended && !isChild {
                CommandFailure.printError(
                    "lockprof: note: \(program[0]) did not exit normally (killed by a signal?): the trace holds the "
                        + "waits written before its end, not its lock counts")
            } else if summary.lockCalls == 0 && !isChild {
                CommandFailure.printError(
                    "lockprof: no pthread lock calls were seen: \(program[0])'s locks, if any, do not go through pthread "
                        + "(Synchronization.Mutex, DispatchQueue and libdispatch's locks use futex directly). "
                        + "Profile them with ProfiledMutex or ProfiledLock (LockProf).")
            }
            CommandFailure.printError(
                "lockprof: wrote \(path): \(summary.locks) locks, \(summary.contentions) waits")
        }
        guard report else { return }
        let analysis = try CommandFailure.reporting { try ContentionAnalysis.report(paths: [output], threshold: fraction) }
        let rendered = try CommandFailure.reporting {
            try Report.render(analysis, of: [output], format: .text, top: 20, stacks: nil)
        }
        CommandFailure.printOutput(rendered)
    }

    /// A raw log that could not become a trace: the program ran, so it is kept, never deleted.
    private struct RawLogKept: Error {
        var path: String
        var reason: String
    }

    /// liblockprof-preload.so next to this executable (`swift build` puts both in .build/<config>),
    /// or where LOCKPROF_PRELOAD_LIBRARY says.
    static func preloadLibrary() throws -> String {
        if let chosen = CurrentProcess.environmentValue("LOCKPROF_PRELOAD_LIBRARY"), !chosen.isEmpty {
            guard FileManager.default.fileExists(atPath: chosen) else {
                throw CommandFailure.fail("LOCKPROF_PRELOAD_LIBRARY: \(chosen) does not exist", code: 2)
            }
            return chosen
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let library = executable.deletingLastPathComponent().appendingPathComponent("liblockprof-preload.so").path
        guard FileManager.default.fileExists(atPath: library) else {
            throw CommandFailure.fail(
                "\(library) not found: build it with `swift build --product lockprof-preload`", code: 2)
        }
        return library
    }

    /// This process's environment, with the library first in LD_PRELOAD and the raw log's path.
    static func environment(library: String, log: String) -> [String] {
        var environment: [String] = []
        var preload = library
        for entry in ChildProcess.currentEnvironment {
            if entry.hasPrefix("LD_PRELOAD=") {
                let others = entry.dropFirst("LD_PRELOAD=".count)
                if !others.isEmpty { preload += ":" + others }
            } else if !entry.hasPrefix("LOCKPROF_PRELOAD_OUTPUT=") {
                environment.append(entry)
            }
        }
        return environment + ["LD_PRELOAD=" + preload, "LOCKPROF_PRELOAD_OUTPUT=" + log]
    }
}

import ArgumentParser
import Foundation
import LockProfAnalysis

/// The one place errors become a line on stderr and an exit code.
///
/// | exit | meaning |
/// |---|---|
/// | 0 | done (`check`: no lock exceeds the threshold) |
/// | 1 | `check`: some lock exceeds the threshold; `demo`: the workload's counts did not add up |
/// | 2 | a trace could not be read, or an output could not be written |
/// | 64 | usage error (swift-argument-parser's own) |
enum CommandFailure {
    static let unreadableInput: Int32 = 2

    /// Runs `body`, turning any error into `lockprof: error: …` on stderr and exit code 2.
    static func reporting<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as AnalysisError {
            throw fail(error.description, code: unreadableInput)
        } catch {
            throw fail("\(error)", code: unreadableInput)
        }
    }

    /// Prints `lockprof: error: message` on stderr and returns the exit to throw.
    static func fail(_ message: String, code: Int32) -> ExitCode {
        printError("lockprof: error: \(message)")
        return ExitCode(code)
    }

    /// Writes `text` to stdout at once (unbuffered), so a later stderr line comes after it.
    static func printOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `bytes` to stdout at once (binary exports written to `-o -`).
    static func printOutput(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Writes one line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

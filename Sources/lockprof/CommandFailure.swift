import ArgumentParser
import LockProfAnalysis
import LockProfFormat

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

    /// Writes `text` to stdout at once (unbuffered), so a later stderr line comes after it. When
    /// stdout cannot take it (a full disk), says so on stderr and exits with code 2.
    static func printOutput(_ text: String) {
        do { try FileDescriptor.standardOutput.writeAll(text) } catch { failWritingOutput(error) }
    }

    /// Writes `bytes` to stdout at once (binary exports written to `-o -`), as `printOutput(_:)` does text.
    static func printOutput(_ bytes: [UInt8]) {
        do { try FileDescriptor.standardOutput.writeAll(bytes) } catch { failWritingOutput(error) }
    }

    private static func failWritingOutput(_ error: SystemError) -> Never {
        LockProfCommand.exit(withError: fail("standard output: write failed: \(error)", code: unreadableInput))
    }

    /// Writes one line to stderr (nowhere left to report it when stderr itself fails).
    static func printError(_ line: String) {
        try? FileDescriptor.standardError.writeAll(line + "\n")
    }
}

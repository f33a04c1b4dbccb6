import Foundation
import Testing

/// Files and streams that fail part-way (a full disk, a directory where a file was named) give one
/// line naming the file and the system's reason, and exit code 2: never a crash.
@Suite struct OutputFailureTests {
    let traces = RecordedTraces.shared

    /// Runs `lockprof arguments…` through the shell with standard output sent to /dev/full
    /// (every write fails with ENOSPC); returns the exit status and standard error.
    func runWithFullStandardOutput(_ arguments: [String]) throws -> (status: Int32, errorLines: [String]) {
        let command = ([CommandRunner.executable.path] + arguments).joined(separator: " ") + " > /dev/full"
        let result = try runTool("/bin/sh", ["-c", command])
        return (result.status, result.output.split(separator: "\n").map(String.init))
    }

    @Test func aReportThatCannotBeWrittenToStandardOutputIsOneLineAndExitTwo() throws {
        let result = try runWithFullStandardOutput(["report", traces.quiet])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: standard output: write failed: No space left on device"])
    }

    @Test func anExportToStandardOutputThatFailsIsOneLineAndExitTwo() throws {
        let result = try runWithFullStandardOutput(["export", traces.contended, "--format", "pprof", "-o", "-"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: standard output: write failed: No space left on device"])
    }

    @Test func anExportToAFullDiskNamesTheFile() throws {
        let result = try CommandRunner.run(["export", traces.contended, "--format", "folded", "-o", "/dev/full"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: cannot write /dev/full: No space left on device"])
    }

    @Test func aBaselineThatIsADirectoryCannotBeRead() throws {
        let directory = try temporaryDirectory().path
        let result = try CommandRunner.run(["check", traces.quiet, "--baseline", directory])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: \(directory): cannot read: Is a directory"])
    }
}

import Foundation
import Testing

@Suite struct CheckCommandTests {
    @Test func checkPassesWhenNoLockWaits() throws {
        let result = try CommandRunner.run(["check", RecordedTraces.shared.quiet])
        #expect(result.status == 0)
        #expect(result.outputLines == ["OK 0 of 1 lock exceed 10% of runtime."])
        #expect(result.standardError == "")
    }

    @Test func checkFailsWithOneLinePerOffendingLock() throws {
        let result = try CommandRunner.run(["check", RecordedTraces.shared.contended, "--max-wait-fraction", "10%"])
        #expect(result.status == 1)
        #expect(result.outputLines.count == 1)
        let line = try #require(result.outputLines.first)
        #expect(line.hasPrefix("FAIL demo.account: wait "))
        #expect(line.hasSuffix("% of runtime > 10%"))
    }

    @Test func checkAcceptsTheLimitAsAFraction() throws {
        let strict = try CommandRunner.run(["check", RecordedTraces.shared.contended, "--max-wait-fraction", "0.1"])
        #expect(strict.status == 1)
        let loose = try CommandRunner.run(["check", RecordedTraces.shared.quiet, "--max-wait-fraction", "0.5"])
        #expect(loose.status == 0)
    }

    @Test func checkExitsTwoForAMissingFile() throws {
        let result = try CommandRunner.run(["check", "/nonexistent/missing.trace"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: /nonexistent/missing.trace: cannot open: No such file or directory"])
        #expect(result.standardOutput == "")
    }

    @Test func checkExitsTwoForAFileThatIsNotATrace() throws {
        let path = try temporaryDirectory().appendingPathComponent("notes.txt").path
        try Data("these are not the bytes you are looking for\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try CommandRunner.run(["check", path])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: \(path): not a lockprof trace (bad magic)"])
    }

    @Test func checkOfATruncatedTraceStillJudgesTheIntactChunksAndSaysSo() throws {
        let cut = try RecordedTraces.truncatedCopy(of: RecordedTraces.shared.quiet, cuttingLast: 3)
        let result = try CommandRunner.run(["check", cut])
        #expect(result.status == 0)
        #expect(result.standardError.contains("note: \(cut): trace is incomplete: cut at byte"))
    }

    @Test(arguments: ["abc", "110%", "0", "-5%", "10"])
    func badLimitIsAUsageError(_ limit: String) throws {
        let result = try CommandRunner.run(["check", RecordedTraces.shared.quiet, "--max-wait-fraction", limit])
        #expect(result.status == 64)
        #expect(result.errorLines.first?.contains("--max-wait-fraction") == true)
        #expect(result.errorLines.first?.contains("write a percentage like 10% or a fraction like 0.1") == true)
    }
}

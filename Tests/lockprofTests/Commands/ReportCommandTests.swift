import Foundation
import Testing

@Suite struct ReportCommandTests {
    @Test func textReportFlagsTheContendedLockAndEndsWithTheVerdict() throws {
        let result = try CommandRunner.run(["report", RecordedTraces.shared.contended])
        #expect(result.status == 0)
        #expect(result.outputLines.last == "1 of 1 lock exceeds 10% of runtime: demo.account")
        // 4 tellers × 30 withdrawals, and one read of the final balance.
        #expect(result.outputLines.contains { $0.hasPrefix("FLAG  demo.account") && $0.contains(" 121 ") })
        #expect(result.standardOutput.contains("holder stacks"))
    }

    @Test func jsonReportCarriesExactAcquisitions() throws {
        let result = try CommandRunner.run(["report", "--format", "json", RecordedTraces.shared.quiet])
        #expect(result.status == 0)
        let top = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(top["schema"] as? Int == 2)
        #expect(top["complete"] as? Bool == true)
        let lock = try #require((top["locks"] as? [[String: Any]])?.first)
        #expect(lock["name"] as? String == "demo.solo")
        #expect(lock["acquisitions"] as? Int == 10_001)
        #expect(lock["contended"] as? Int == 0)
        #expect(lock["flagged"] as? Bool == false)
    }

    @Test func allListsTheLocksTopLeavesOut() throws {
        let traces = [RecordedTraces.shared.contended, RecordedTraces.shared.quiet]
        let topOne = try CommandRunner.run(["report", "--top", "1"] + traces)
        #expect(topOne.status == 0)
        #expect(!topOne.standardOutput.contains("demo.solo"))
        #expect(topOne.outputLines.contains("(1 more lock with less wait not shown; use --top N or --all to list more)"))
        let all = try CommandRunner.run(["report", "--top", "1", "--all"] + traces)
        #expect(all.status == 0)
        #expect(all.outputLines.contains { $0.contains("demo.solo") })
        #expect(!all.standardOutput.contains("not shown"))
    }

    @Test func truncatedTraceGivesAPartialReportAndSaysWhatWasLost() throws {
        let cut = try RecordedTraces.truncatedCopy(of: RecordedTraces.shared.contended, cuttingLast: 7)
        let result = try CommandRunner.run(["report", cut])
        #expect(result.status == 0)
        #expect(result.outputLines.first?.contains("(incomplete)") == true)
        #expect(result.outputLines.contains { $0.hasPrefix("note: \(cut): trace is incomplete: cut at byte") })
    }

    @Test func missingFileIsOneLineAndExitTwo() throws {
        let result = try CommandRunner.run(["report", "/nonexistent/t.trace"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: /nonexistent/t.trace: cannot open: No such file or directory"])
    }

    @Test func directoryIsNotATrace() throws {
        let directory = try temporaryDirectory().path
        let result = try CommandRunner.run(["report", directory])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: \(directory): cannot open: is a directory"])
    }

    @Test(arguments: ["abc", "110%", "0", "-0.2"])
    func badThresholdIsAUsageError(_ threshold: String) throws {
        let result = try CommandRunner.run(["report", RecordedTraces.shared.quiet, "--threshold", threshold])
        #expect(result.status == 64)
        #expect(result.errorLines.first?.hasPrefix("Error: --threshold") == true)
    }

    @Test func unknownFlagIsAUsageError() throws {
        let result = try CommandRunner.run(["report", "--bogus", RecordedTraces.shared.quiet])
        #expect(result.status == 64)
        #expect(result.errorLines.first == "Error: Unknown option '--bogus'")
    }

    @Test func versionPrints() throws {
        let result = try CommandRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.outputLines == ["0.1.0"])
    }
}

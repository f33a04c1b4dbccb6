import Foundation
import Testing

@Suite struct MergeDiffCommandTests {
    let traces = RecordedTraces.shared

    func locks(of trace: [String]) throws -> [[String: String]] {
        let result = try CommandRunner.run(["report"] + trace + ["--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        return try #require(object["locks"] as? [[String: Any]]).map { lock in
            ["name": "\(lock["name"]!)", "process": "\(lock["process"]!)", "acquisitions": "\(lock["acquisitions"]!)",
             "wait_ns": "\(lock["wait_ns"]!)", "contended": "\(lock["contended"]!)"]
        }
    }

    @Test func mergedTraceReportsWhatBothTracesReportTogether() throws {
        let merged = try temporaryDirectory().appendingPathComponent("all.trace").path
        let result = try CommandRunner.run(["merge", traces.contended, traces.quiet, "-o", merged])
        #expect(result.status == 0)
        #expect(result.standardError == "")
        let together = try locks(of: [traces.contended, traces.quiet])
        #expect(together.count == 2)
        #expect(try locks(of: [merged]) == together)
        // Each lock kept its own process.
        #expect(Set(together.map { $0["process"]! }).count == 2)
        let check = try CommandRunner.run(["check", merged])
        #expect(check.status == 1)
        #expect(check.outputLines.first?.hasPrefix("FAIL demo.account (pid ") == true)
    }

    @Test func mergeIntoOneOfItsInputsIsRefused() throws {
        let result = try CommandRunner.run(["merge", traces.quiet, "-o", traces.quiet])
        #expect(result.status == 64)
        #expect(result.errorLines.first?.contains("is also an input") == true)
    }

    @Test func mergeOfAMissingTraceLeavesNoOutput() throws {
        let merged = try temporaryDirectory().appendingPathComponent("all.trace").path
        let result = try CommandRunner.run(["merge", traces.quiet, "/nonexistent/x.trace", "-o", merged])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: /nonexistent/x.trace: cannot open: No such file or directory"])
        #expect(!FileManager.default.fileExists(atPath: merged))
    }

    @Test func mergeOfACutTraceSaysSo() throws {
        let cut = try RecordedTraces.truncatedCopy(of: traces.quiet, cuttingLast: 3)
        let merged = try temporaryDirectory().appendingPathComponent("all.trace").path
        let result = try CommandRunner.run(["merge", cut, "-o", merged])
        #expect(result.status == 0)
        #expect(result.errorLines.first?.hasPrefix("note: \(cut): trace is cut at byte") == true)
        #expect(try locks(of: [merged]).map { $0["name"] } == ["demo.solo"])
    }

    @Test func diffShowsNewAndGoneLocksSideBySide() throws {
        let result = try CommandRunner.run(["diff", traces.quiet, traces.contended])
        #expect(result.status == 0)
        let lines = result.outputLines
        #expect(lines.first?.hasPrefix("LOCK          STATUS  WAIT % BEFORE  WAIT % AFTER") == true)
        let account = try #require(lines.first { $0.hasPrefix("demo.account") })
        #expect(account.contains(" new "))
        let solo = try #require(lines.first { $0.hasPrefix("demo.solo") })
        #expect(solo.contains(" gone "))
        #expect(lines.last == "2 locks: 1 new, 1 gone.")
    }

    @Test func diffReadsAJSONReportAsTheBase() throws {
        let report = try CommandRunner.run(["report", traces.contended, "--format", "json"])
        let base = try temporaryDirectory().appendingPathComponent("base.json")
        try Data(report.standardOutput.utf8).write(to: base)
        let result = try CommandRunner.run(["diff", base.path, traces.contended])
        #expect(result.status == 0)
        let account = try #require(result.outputLines.first { $0.hasPrefix("demo.account") })
        #expect(account.contains("+0.0%"))
        #expect(result.outputLines.last == "1 lock: 0 new, 0 gone.")
    }
}

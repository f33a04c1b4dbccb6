import Foundation
import Testing

@Suite struct EnvironmentRecordingTests {
    /// A program that never calls LockProfiler is recorded through LOCKPROF_TRACE alone, and its
    /// trace is finished when it exits normally.
    @Test func lockprofTraceRecordsAProgramWithNoCodeChange() throws {
        let directory = try temporaryDirectory()
        let pattern = directory.appendingPathComponent("tellers-%p.trace").path
        let run = try CommandRunner.run([], program: "bank-tellers", environment: ["LOCKPROF_TRACE": pattern])
        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(run.outputLines == ["balance 0"])

        // %p became the process id.
        let written = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".trace") }
        #expect(written.count == 1)
        let name = try #require(written.first)
        #expect(name.hasPrefix("tellers-") && Int(name.dropFirst(8).dropLast(6)) != nil, "trace file \(name)")

        let trace = directory.appendingPathComponent(name).path
        let report = try CommandRunner.run(["report", "--format", "json", trace])
        #expect(report.status == 0, "stderr: \(report.standardError)")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any])
        #expect(top["complete"] as? Bool == true)
        let lock = try #require((top["locks"] as? [[String: Any]])?.first { $0["name"] as? String == "tellers.account" })
        // 4 tellers × 10 withdrawals, and the final balance read.
        #expect(lock["acquisitions"] as? Int == 41)
        #expect(lock["flagged"] as? Bool == true)
        let holder = try #require((lock["holder_stacks"] as? [[String: Any]])?.first)
        let topFrame = try #require((holder["frames"] as? [[String: Any]])?.first)
        #expect((topFrame["function"] as? String)?.contains("Account.withdraw") == true, "holder frame: \(topFrame)")
    }

    /// `LOCKPROF_LEVEL=profile` records into memory only: no trace file even when
    /// `LOCKPROF_TRACE` is set too (one line says it is ignored); an unknown level is named.
    @Test func lockprofLevelProfileWritesNoTrace() throws {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("tellers.trace").path
        let run = try CommandRunner.run(
            [], program: "bank-tellers", environment: ["LOCKPROF_LEVEL": "profile", "LOCKPROF_TRACE": trace])
        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(run.outputLines == ["balance 0"])
        #expect(run.errorLines == ["lockprof: LOCKPROF_LEVEL=profile: LOCKPROF_TRACE ignored (no trace file at this level)"])
        #expect(!FileManager.default.fileExists(atPath: trace))

        let unknown = try CommandRunner.run([], program: "bank-tellers", environment: ["LOCKPROF_LEVEL": "everything"])
        #expect(unknown.status == 0)
        #expect(unknown.errorLines == ["lockprof: LOCKPROF_LEVEL: unknown level 'everything' (profile or trace); ignored"])
    }
}

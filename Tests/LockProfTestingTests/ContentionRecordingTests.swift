import Foundation
import LockProfAnalysis
import LockProfFormat
import LockProfTesting
import Testing

/// A one-second run: `hot` waited 400 ms (40%) in 300 of 1 000 acquisitions, `calm` never.
let recordedRun: [TraceRecord] = [
    .process(ProcessRecord(pid: 7, processName: "tests", startWallNanoseconds: 1, startNanoseconds: 1_000, clockSource: "monotonic")),
    .lock(LockRecord(lockID: 1, kind: .mutex, name: "hot", site: "App/Hot.swift:3")),
    .lock(LockRecord(lockID: 2, kind: .mutex, name: "calm", site: "App/Calm.swift:9")),
    .lockStatistics(
        LockStatisticsRecord(
            lockID: 1, acquisitions: 1_000, contendedAcquisitions: 300, failedTryLocks: 0, timeouts: 0,
            waitNanoseconds: 400_000_000, maximumWaitNanoseconds: 2_000_000, waitHistogram: Array(repeating: 0, count: 20) + [300],
            sampledHolds: 16, sampledHoldNanoseconds: 16_000, blockingHolds: 300, blockingHoldNanoseconds: 300_000_000)),
    .lockStatistics(
        LockStatisticsRecord(
            lockID: 2, acquisitions: 50, contendedAcquisitions: 0, failedTryLocks: 0, timeouts: 0, waitNanoseconds: 0,
            maximumWaitNanoseconds: 0, waitHistogram: [], sampledHolds: 1, sampledHoldNanoseconds: 100, blockingHolds: 0,
            blockingHoldNanoseconds: 0)),
    .end(EndRecord(timeNanoseconds: 1_000 + 1_000_000_000)),
]

@Suite struct ContentionRecordingTests {
    let recording = ContentionRecording(report: ContentionAnalysis.report(records: recordedRun))

    @Test func answersByLockName() throws {
        #expect(try recording.waitFraction(of: "hot") == 0.4)
        #expect(try recording.contendedAcquisitions(of: "hot") == 300)
        #expect(try recording.acquisitions(of: "calm") == 50)
        #expect(try recording.isFlagged("hot"))
        #expect(try !recording.isFlagged("calm"))
        #expect(recording.flaggedLocks.map(\.name) == ["hot"])
    }

    @Test func failureShowsTheOffendingLocksTable() throws {
        #expect(throws: Never.self) { try recording.expectNotFlagged("calm") }
        #expect(throws: Never.self) { try recording.expectFlagged("hot") }
        do {
            try recording.expectNotFlagged()
            Issue.record("expectNotFlagged() passed with a lock at 40%")
        } catch let failure as ContentionExpectationFailure {
            let lines = failure.description.split(separator: "\n").map(String.init)
            #expect(lines[0] == "hot waited more than 10% of runtime:")
            #expect(lines[1].hasPrefix("FLAG  LOCK  KIND   ACQUIRED  CONTENDED  TOTAL WAIT  WAIT %"))
            #expect(lines[2].hasPrefix("FLAG  hot   mutex      1000  300 30.0%      400 ms   40.0%"))
            #expect(!failure.description.contains("calm"))
        }
    }

    @Test func waitFractionLimit() throws {
        #expect(throws: Never.self) { try recording.expectWaitFraction(of: "hot", below: 0.5) }
        #expect(throws: ContentionExpectationFailure.self) { try recording.expectWaitFraction(of: "hot", below: 0.3) }
        #expect(throws: ContentionExpectationFailure.self) { try recording.expectFlagged("calm") }
    }

    @Test func unknownLockNamesTheRecordedOnes() {
        #expect(throws: ContentionExpectationFailure("no lock named cache was used while recording; recorded: hot, calm")) {
            try recording.lock(named: "cache")
        }
    }

    /// `ContentionRecording.record` for real, in the `contention-probe` child process: this test
    /// process may be recording in other suites (one session per process).
    @Test func recordsARealWorkloadInItsOwnProcess() throws {
        let probe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("contention-probe")
        let process = Process()
        process.executableURL = probe
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        // 4 threads × 50 increments of the hot lock, 50 of the quiet one by one thread.
        #expect(lines.contains("hot.acquisitions=200"))
        #expect(lines.contains("hot.flagged=true"))
        #expect(lines.contains("quiet.acquisitions=50"))
        #expect(lines.contains("quiet.contended=0"))
        #expect(lines.contains("quiet.waitFraction=0.0"))
        let contended = try #require(lines.first { $0.hasPrefix("hot.contended=") }.flatMap { Int($0.dropFirst("hot.contended=".count)) })
        #expect(contended > 0 && contended <= 200)
        let start = try #require(lines.firstIndex(of: "--- failure ---"))
        #expect(lines[start + 1].hasPrefix("probe.hot waited more than 10% of runtime:"))
        #expect(lines[start + 3].split(separator: " ").prefix(4) == ["FLAG", "probe.hot", "mutex", "200"])
        #expect(lines[start...].contains { $0.contains("Counter.increment(holdingFor:)") })
        #expect(lines.last == "missing: no lock named probe.missing was used while recording; recorded: probe.hot, probe.quiet")
    }
}

import Foundation
import LockProfFormat
import Testing

/// Faults at a session's boundaries and in its clock (issue 17), each in a `fault-harness` child:
/// they change the process's file-size limit, its clock, or fork it.
@Suite(.serialized) struct SessionFaultTests {
    @Test func aClockThatStepsBackNeitherTrapsNorRecordsANegativeWait() throws {
        let run = try FaultHarnessRun.run("clock-steps-back")
        #expect(run.result.status == 0, "\(run.result.standardOutput) \(run.result.standardError)")
        #expect(run.problems.isEmpty, "\(run.problems)")
        if run.result.outputLines.contains(where: { $0.hasPrefix("skipped") }) {
            print("clock-steps-back: \(run.result.standardOutput)")
        }
    }

    @Test func aFailedFirstWriteFailsTheStartAndLeavesRecordingOff() throws {
        let run = try FaultHarnessRun.run("first-write-fails", String(TraceFileLayout.fileHeader().count))
        #expect(run.result.status == 0, "\(run.result.standardError)")
        let lines = run.result.outputLines
        #expect(lines.contains { $0.hasPrefix("start-failed") && $0.contains("File too large") }, "\(lines)")
        #expect(lines.contains("is-recording false"), "\(lines)")
        #expect(lines.contains("recording-flag 0"), "\(lines)")
        #expect(lines.contains("recording-flag-after-stop 0"), "\(lines)")
    }

    @Test func aForkedChildCountsNoBlockingHoldForASleeperItDoesNotHave() throws {
        let run = try FaultHarnessRun.run("fork-with-sleeper")
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.printed("child-status") == 0, "\(run.result.standardOutput)")
    }
}

import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct ProcessRuntimeTests {
    @Test func runtimeIsEndMinusStart() {
        let report = ContentionAnalysis.report(records: [processRecord(), end(after: 1_500 * millisecond)])
        #expect(report.runtimeNanoseconds == 1_500 * millisecond)
        #expect(report.isComplete)
        #expect(report.processes.first?.isComplete == true)
    }

    @Test func incompleteTraceRunsToItsLastCheckpointOrEvent() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "account"),
            .checkpoint(CheckpointRecord(timeNanoseconds: start + 100 * millisecond)),
            contention(lock: 1, wait: 40 * millisecond, at: start + 180 * millisecond, waiter: 0, holder: 0),
            counters(1, acquisitions: 10, contended: 1, wait: 40 * millisecond),
            .checkpoint(CheckpointRecord(timeNanoseconds: start + 160 * millisecond)),
        ]
        let report = ContentionAnalysis.report(records: records, path: "cut.trace")
        #expect(report.runtimeNanoseconds == 180 * millisecond)
        #expect(!report.isComplete)
        #expect(report.locks.first?.runtimeNanoseconds == 180 * millisecond)
        #expect(
            report.notes.first
                == .incompleteTrace(path: "cut.trace", cutAtByte: nil, lostBytes: 0, runtimeNanoseconds: 180 * millisecond))
        #expect(
            report.notes.first?.description
                == "cut.trace: trace is incomplete: recording did not stop normally (no end record); "
                + "runtime counted to the last checkpoint or event (180 ms)")
    }

    @Test func twoProcessesSpanTheWallClockCoveringBoth() {
        var first = ProcessTrace(files: ["a"])
        for record in [processRecord(pid: 1), lockRecord(1, "a-lock"), counters(1, acquisitions: 5, contended: 1, wait: 300 * millisecond), end(after: second)] {
            first.add(record)
        }
        // Starts half a second later on the wall clock, on a different monotonic base, and runs 2 s.
        var second_ = ProcessTrace(files: ["b"])
        for record in [
            processRecord(pid: 2, startWall: startWall + 500 * millisecond, start: 77 * second), lockRecord(1, "b-lock"),
            counters(1, acquisitions: 5, contended: 1, wait: 150 * millisecond), end(after: 2 * second, start: 77 * second),
        ] {
            second_.add(record)
        }
        let report = ContentionAnalysis.report(processes: ProcessTrace.mergingSameProcesses([first, second_]))
        #expect(report.processes.map(\.pid) == [1, 2])
        #expect(report.runtimeNanoseconds == 2_500 * millisecond)
        // Each lock's fraction uses its own process's runtime.
        let fractions = Dictionary(uniqueKeysWithValues: report.locks.map { ($0.name, $0.waitFraction) })
        #expect(fractions == ["a-lock": 0.3, "b-lock": 0.075])
        #expect(report.locks.map(\.process).sorted() == [1, 2])
        #expect(report.verdict.description == "1 of 2 locks exceeds 10% of runtime: a-lock (pid 1)")
    }
}

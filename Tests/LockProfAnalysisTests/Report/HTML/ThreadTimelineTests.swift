import LockProfFormat
import Testing

@testable import LockProfAnalysis

@Suite struct ThreadTimelineTests {
    func wait(_ lock: UInt32, thread: UInt32, from: UInt64, to: UInt64) -> TraceRecord {
        .contention(
            ContentionRecord(
                lockID: lock, threadID: thread, timeNanoseconds: start + to * millisecond, waitNanoseconds: (to - from) * millisecond,
                waiterStackID: 0, holderStackID: 0))
    }

    func hold(_ lock: UInt32, thread: UInt32, from: UInt64, to: UInt64) -> TraceRecord {
        .release(
            ReleaseRecord(
                lockID: lock, threadID: thread, timeNanoseconds: start + to * millisecond, holdNanoseconds: (to - from) * millisecond,
                holderStackID: 0, holdMeasuredFromAcquisition: true))
    }

    @Test func slicesAreSpreadOverTheBinsTheyCover() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "hot"),
            .thread(ThreadRecord(threadID: 1, systemThreadID: 101, name: "waiter")),
            .thread(ThreadRecord(threadID: 2, systemThreadID: 102, name: "")),
            wait(1, thread: 1, from: 20, to: 30), wait(1, thread: 1, from: 45, to: 65), hold(1, thread: 2, from: 15, to: 65),
            end(after: 100 * millisecond),
        ]
        let path = try writeTrace([records])
        let report = try ContentionAnalysis.report(paths: [path])
        let timeline = try ThreadTimeline.read(paths: [path], report: report, binCount: 10)
        #expect(timeline.locks.map(\.name) == ["hot"])
        #expect(timeline.rows.map(\.name) == ["waiter (101)", "thread 102"])
        let waits = (0..<10).map { timeline.nanoseconds(row: 0, lock: 0, lane: .wait, bin: $0) / millisecond }
        #expect(waits == [0, 0, 10, 0, 5, 10, 5, 0, 0, 0])
        let holds = (0..<10).map { timeline.nanoseconds(row: 1, lock: 0, lane: .hold, bin: $0) / millisecond }
        #expect(holds == [0, 5, 10, 10, 10, 10, 5, 0, 0, 0])
        #expect(timeline.total(row: 0, lock: 0, lane: .wait) == ThreadTimeline.Total(events: 2, nanoseconds: 30 * millisecond))
        #expect(timeline.total(row: 0, lock: 0, lane: .hold).events == 0)
    }

    @Test func onlyTheBusiestLocksAreDrawnFlaggedFirst() throws {
        // Eight locks waited for 1…8 ms of a 100 ms run: 8 ms and 7 ms exceed a threshold of 6.5%.
        var records: [TraceRecord] = [processRecord()]
        for lock in UInt32(1)...8 {
            records.append(lockRecord(lock, "lock-\(lock)"))
            records.append(wait(lock, thread: 1, from: 10, to: 10 + UInt64(lock)))
        }
        records.append(end(after: 100 * millisecond))
        let path = try writeTrace([records])
        let report = try ContentionAnalysis.report(paths: [path], threshold: 0.065)
        #expect(report.flaggedLocks.map(\.name) == ["lock-8", "lock-7"])
        let timeline = try ThreadTimeline.read(paths: [path], report: report)
        #expect(timeline.locks.map(\.name) == ["lock-8", "lock-7", "lock-6", "lock-5", "lock-4", "lock-3"])
        #expect(timeline.rows.count == 1)
        // Events of the locks left out are not counted anywhere.
        let counted = timeline.locks.indices.reduce(UInt64(0)) { $0 + timeline.total(row: 0, lock: $1, lane: .wait).nanoseconds }
        #expect(counted == (3 + 4 + 5 + 6 + 7 + 8) * millisecond)
        // A flagged lock comes first even when others were waited for more (a lock of a process
        // with a shorter runtime can be).
        var reflagged = report
        reflagged.locks[7].isFlagged = true
        #expect(reflagged.locks[7].name == "lock-1")
        let first = try ThreadTimeline.read(paths: [path], report: reflagged)
        #expect(first.locks.map(\.name) == ["lock-8", "lock-7", "lock-1", "lock-6", "lock-5", "lock-4"])
    }

    @Test func chartDrawsOnePathPerLockAndLaneWithTheLockNamed() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "hot"), wait(1, thread: 1, from: 0, to: 50), hold(1, thread: 2, from: 0, to: 50),
            end(after: 100 * millisecond),
        ]
        let path = try writeTrace([records])
        let timeline = try ThreadTimeline.read(paths: [path], report: try ContentionAnalysis.report(paths: [path]), binCount: 100)
        let svg = TimelineChart(timeline: timeline).svg()
        #expect(svg.components(separatedBy: "<path class=\"slice wait l0\" data-lock=\"hot\"").count - 1 == 1)
        #expect(svg.components(separatedBy: "<path class=\"slice hold l0\" data-lock=\"hot\"").count - 1 == 1)
        // Fifty full bins merge into one rectangle half the plot wide.
        #expect(svg.contains("d=\"M190 "))
        #expect(svg.contains("h500v11h-500z\""))
        #expect(svg.contains("hot — thread #1 waited for it 50.0 ms in all, 1 wait"))
    }
}

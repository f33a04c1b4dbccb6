import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct ExportEncodingTests {
    @Test func pprofProfileStartsWithItsSampleTypes() throws {
        let report = ContentionAnalysis.report(records: hotAndShardedRun)
        let bytes = PprofExporter().profile(report)
        // Field 1 (sample_type), length-delimited: key 0x0a, then ValueType{type=1, unit=2}.
        #expect(Array(bytes.prefix(6)) == [0x0A, 0x04, 0x08, 0x01, 0x10, 0x02])
        // The string table holds the sample types, their units and the label key once each.
        let text = String(decoding: bytes, as: UTF8.self)
        for name in ["contentions", "count", "delay", "nanoseconds", "hold", "lock", "hot-counter"] {
            #expect(text.components(separatedBy: name).count - 1 >= 1, "\(name) missing")
        }
        #expect(text.components(separatedBy: "nanoseconds").count - 1 == 1)
    }

    @Test func lockWithoutCapturedStacksIsOneUncapturedFrameCarryingItsWholeWait() {
        // The fixture's hot-counter has counters but no events: no stacks at all.
        let report = ContentionAnalysis.report(records: hotAndShardedRun)
        let folded = FoldedStacksExporter().export(report).split(separator: "\n")
        #expect(folded.first == "hot-counter;[stack not captured] 2124000000")
        #expect(folded.count == 9)
    }

    @Test func chromeExporterSplitsProcessesAndPlacesSlicesOnTheirThreads() throws {
        var exporter = ChromeTraceExporter()
        let records: [TraceRecord] = [
            processRecord(), .thread(ThreadRecord(threadID: 1, systemThreadID: 77, name: "teller")), lockRecord(1, "account"),
            contention(lock: 1, wait: 3 * millisecond, at: start + 10 * millisecond, waiter: 0, holder: 0),
            release(lock: 1, hold: 2 * millisecond, holder: 0, at: start + 10 * millisecond),
        ]
        for record in records { exporter.add(record) }
        exporter.finishFile()
        for record in [processRecord(pid: 9, startWall: startWall + second), lockRecord(1, "other"),
                       contention(lock: 1, wait: millisecond, at: start + 2 * millisecond, waiter: 0, holder: 0)] {
            exporter.add(record)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(exporter.render().utf8)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let slices = events.filter { $0["ph"] as? String == "X" }
        #expect(slices.map { $0["name"] as? String } == ["wait account", "hold account", "wait other"])
        #expect(slices.map { $0["ts"] as? Double } == [7_000, 8_000, 1_001_000])
        #expect(slices.map { $0["dur"] as? Double } == [3_000, 2_000, 1_000])
        #expect(slices.map { $0["pid"] as? Int } == [4242, 4242, 9])
        #expect(slices.first?["tid"] as? Int == 77)
    }

    @Test func loaderSplitsAMergedFileIntoItsProcesses() throws {
        let account: [TraceRecord] = [processRecord(), lockRecord(1, "account"), counters(1, acquisitions: 5), end(after: second)]
        let cache: [TraceRecord] = [processRecord(pid: 9), lockRecord(1, "cache"), counters(1, acquisitions: 7), end(after: second)]
        let path = try writeTrace([account, cache])
        let processes = try TraceLoader.loadProcesses(path: path)
        #expect(processes.map(\.pid) == [4242, 9])
        #expect(processes.map { $0.locks[1]?.name } == ["account", "cache"])
        let report = try ContentionAnalysis.report(paths: [path])
        #expect(report.locks.map(\.name).sorted() == ["account", "cache"])
        #expect(report.isComplete)
    }
}

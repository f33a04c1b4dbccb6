import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct KindStatisticsTests {
    func familyCounters(_ id: UInt32, acquisitions: UInt64, contended: UInt64 = 0, wait: UInt64 = 0, _ fill: (inout LockStatisticsRecord) -> Void) -> TraceRecord {
        var record = LockStatisticsRecord(
            lockID: id, acquisitions: acquisitions, contendedAcquisitions: contended, waitNanoseconds: wait,
            maximumWaitNanoseconds: wait, waitHistogram: contended > 0 ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, contended] : [])
        fill(&record)
        return .lockStatistics(record)
    }

    /// A cache (rwlock), a queue's condition, a registry (recursive lock) and a plain lock.
    var familyRun: [TraceRecord] {
        [
            processRecord(), lockRecord(1, "cache", kind: .rwlock), lockRecord(2, "ready", kind: .condition),
            lockRecord(3, "registry", kind: .recursive), lockRecord(4, "plain"),
            familyCounters(1, acquisitions: 1_010, contended: 5, wait: 3_000) {
                $0.sharedAcquisitions = 1_000
                $0.sharedContendedAcquisitions = 4
                $0.sharedWaitNanoseconds = 2_000
            },
            familyCounters(2, acquisitions: 40) {
                $0.conditionWaitNanoseconds = 900 * millisecond
                $0.signals = 50
                $0.broadcasts = 1
                $0.timeouts = 2
            },
            familyCounters(3, acquisitions: 100) { $0.reentries = 300 },
            counters(4, acquisitions: 7),
            end(after: second),
        ]
    }

    func lock(_ name: String, in report: ContentionReport) throws -> LockReport {
        try #require(report.locks.first { $0.name == name })
    }

    @Test func aReaderWriterLockSplitsItsFiguresBetweenReadersAndWriters() throws {
        let cache = try lock("cache", in: ContentionAnalysis.report(records: familyRun))
        #expect(cache.readers == LockSideReport(acquisitions: 1_000, contendedAcquisitions: 4, waitNanoseconds: 2_000))
        #expect(cache.writers == LockSideReport(acquisitions: 10, contendedAcquisitions: 1, waitNanoseconds: 1_000))
        #expect(cache.reentries == nil && cache.conditionWaitNanoseconds == nil)
    }

    @Test func aConditionsSleepIsConditionWaitAndNeverFlagged() throws {
        let ready = try lock("ready", in: ContentionAnalysis.report(records: familyRun))
        #expect(ready.conditionWaitNanoseconds == 900 * millisecond)
        #expect(ready.waitNanoseconds == 0)
        #expect(!ready.isFlagged)
        #expect(ready.signals == 50 && ready.broadcasts == 1 && ready.timeouts == 2)
    }

    @Test func aRecursiveLocksReentriesAreCountedApart() throws {
        let registry = try lock("registry", in: ContentionAnalysis.report(records: familyRun))
        #expect(registry.reentries == 300)
        #expect(registry.acquisitions == 100)
        #expect(registry.contendedAcquisitions == 0)
    }

    @Test func aMutexHasNoneOfTheKindFigures() throws {
        let plain = try lock("plain", in: ContentionAnalysis.report(records: familyRun))
        #expect(plain.reentries == nil && plain.readers == nil && plain.writers == nil)
        #expect(plain.conditionWaitNanoseconds == nil && plain.signals == nil && plain.broadcasts == nil)
    }

    @Test func theJSONCarriesTheKindFiguresAndNullForOtherKinds() throws {
        let json = JSONReportRenderer().render(ContentionAnalysis.report(records: familyRun))
        let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let locks = Dictionary(
            uniqueKeysWithValues: ((top["locks"] as? [[String: Any]]) ?? []).map { ($0["name"] as? String ?? "", $0) })
        let readers = try #require(locks["cache"]?["readers"] as? [String: Any])
        #expect(readers["acquisitions"] as? Int == 1_000)
        #expect(readers["contended"] as? Int == 4)
        #expect(readers["wait_ns"] as? Int == 2_000)
        #expect((locks["cache"]?["writers"] as? [String: Any])?["acquisitions"] as? Int == 10)
        #expect(locks["ready"]?["condition_wait_ns"] as? Int == 900_000_000)
        #expect(locks["ready"]?["signals"] as? Int == 50)
        #expect(locks["registry"]?["reentries"] as? Int == 300)
        #expect(locks["plain"]?["reentries"] is NSNull)
        #expect(locks["plain"]?["readers"] is NSNull)
        #expect(locks["plain"]?["condition_wait_ns"] is NSNull)
    }

    @Test func theTextReportHasOneLinePerLockWithKindFigures() {
        let text = TextReportRenderer().render(ContentionAnalysis.report(records: familyRun))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("cache (rwlock): readers 1000 acquired, 4 waited 2.00 µs (for writers); writers 10 acquired, 1 waited 1.00 µs (for readers or writers)"))
        #expect(lines.contains("ready (condition): 40 waits, 900 ms asleep in wait() (not contention), 50 signals, 1 broadcast"))
        #expect(lines.contains("registry (recursive): 300 re-entries by the holder (not contention)"))
        #expect(!lines.contains { $0.hasPrefix("plain (mutex)") })
    }
}

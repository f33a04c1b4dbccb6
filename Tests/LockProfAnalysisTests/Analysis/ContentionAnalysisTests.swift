import LockProfAnalysis
import LockProfFormat
import Testing

/// A one-second run of a hot global lock and eight shards, as the demo's first two scenarios.
let hotAndShardedRun: [TraceRecord] =
    [processRecord(), lockRecord(1, "hot-counter")]
    + (0..<8).map { lockRecord(UInt32(10 + $0), "shard-\($0)") }
    + [
        counters(
            1, acquisitions: 800_000, contended: 600_000, wait: 2_124_000_000, maximumWait: 9 * millisecond,
            histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300_000, 300_000], sampledHolds: 12_500,
            sampledHoldNanoseconds: 12_500_000, blockingHolds: 600_000, blockingHoldNanoseconds: 1_200_000_000),
    ]
    + (0..<8).map {
        counters(UInt32(10 + $0), acquisitions: 100_000, contended: 3, wait: 9_000, maximumWait: 4_000, histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3])
    }
    + [end(after: second)]

@Suite struct ContentionAnalysisTests {
    @Test func hotGlobalLockIsFlagged() throws {
        let report = ContentionAnalysis.report(records: hotAndShardedRun)
        let hot = try #require(report.locks.first)
        #expect(hot.name == "hot-counter")
        #expect(hot.isFlagged)
        #expect(hot.waitFraction == 2.124)
        #expect(hot.runtimeNanoseconds == second)
        #expect(report.verdict.description == "1 of 9 locks exceeds 10% of runtime: hot-counter")
    }

    @Test func shardsAreNotFlagged() {
        let report = ContentionAnalysis.report(records: hotAndShardedRun)
        let shards = report.locks.filter { $0.name.hasPrefix("shard-") }
        #expect(shards.count == 8)
        #expect(shards.allSatisfy { !$0.isFlagged })
        #expect(shards.allSatisfy { $0.waitFraction == 0.000009 })
    }

    @Test func exactAcquisitionsAreCarriedThrough() throws {
        let report = ContentionAnalysis.report(records: hotAndShardedRun)
        let hot = try #require(report.locks.first { $0.name == "hot-counter" })
        #expect(hot.acquisitions == 800_000)
        #expect(hot.contendedAcquisitions == 600_000)
        #expect(hot.countersExact)
        #expect(hot.contendedFraction == 0.75)
        #expect(hot.maximumWaitNanoseconds == 9 * millisecond)
        // Half the waits in [1024, 2048), half in [2048, 4096): p50 at the top of the first bucket.
        #expect(hot.waitP50Nanoseconds == 2048)
        // p99: rank 594_000 is 98% of the way through [2048, 4096).
        #expect(hot.waitP99Nanoseconds == 4055)
        // (1.2 s + 200_000 × 1000 ns) / 800_000 = 1750 ns
        #expect(hot.estimatedMeanHoldNanoseconds == 1750)
        let shards = report.locks.filter { $0.name.hasPrefix("shard-") }
        #expect(shards.map(\.acquisitions) == Array(repeating: 100_000, count: 8))
        #expect(shards.reduce(0) { $0 + ($1.acquisitions ?? 0) } == 800_000)
    }

    @Test func locksAreRankedByTotalWait() {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "a"), lockRecord(2, "b"), lockRecord(3, "c"),
            counters(1, acquisitions: 10, wait: 5), counters(2, acquisitions: 10, wait: 500),
            counters(3, acquisitions: 10, wait: 50), end(after: second),
        ]
        #expect(ContentionAnalysis.report(records: records).locks.map(\.name) == ["b", "c", "a"])
    }

    @Test func thresholdIsAStrictBound() {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "exactly-ten"), lockRecord(2, "above"),
            counters(1, acquisitions: 10, contended: 1, wait: 100 * millisecond),
            counters(2, acquisitions: 10, contended: 1, wait: 100 * millisecond + 1),
            end(after: second),
        ]
        let report = ContentionAnalysis.report(records: records, threshold: 0.1)
        #expect(report.locks.filter(\.isFlagged).map(\.name) == ["above"])
    }

    @Test func lockWithoutCountersIsRebuiltFromItsEvents() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "account"),
            contention(lock: 1, wait: 3 * millisecond, waiter: 0, holder: 0),
            contention(lock: 1, wait: 1 * millisecond, waiter: 0, holder: 0),
            contention(lock: 1, wait: 2 * millisecond, waiter: 0, holder: 0, timedOut: true),
            .checkpoint(CheckpointRecord(timeNanoseconds: start + 20 * millisecond)),
        ]
        let report = ContentionAnalysis.report(records: records)
        let account = try #require(report.locks.first)
        #expect(account.acquisitions == nil)
        #expect(!account.countersExact)
        #expect(account.contendedAcquisitions == 2)
        #expect(account.timeouts == 1)
        #expect(account.waitNanoseconds == 6 * millisecond)
        #expect(account.maximumWaitNanoseconds == 3 * millisecond)
        #expect(account.estimatedMeanHoldNanoseconds == nil)
        #expect(account.waitFraction == 0.3)
        #expect(account.isFlagged)
        #expect(report.notes.contains(.countersFromEvents(locks: ["account"])))
    }

    @Test func noLocksAtAllIsAnAllClearReport() {
        let report = ContentionAnalysis.report(records: [processRecord(), end(after: second)])
        #expect(report.locks.isEmpty)
        #expect(report.isComplete)
        #expect(report.notes.isEmpty)
        #expect(report.verdict.description == "0 of 0 locks exceed 10% of runtime.")
    }
}

@Suite struct ReportLimitTests {
    @Test func limitingKeepsTheTopLocksAndEveryFlaggedOneButTheVerdictCountsAll() {
        let report = ContentionAnalysis.report(records: hotAndShardedRun).limited(locks: 3, stacks: 0)
        #expect(report.locks.count == 3)
        #expect(report.locks.first?.name == "hot-counter")
        #expect(report.verdict.lockCount == 9)
        let text = TextReportRenderer().render(report)
        #expect(text.contains("(6 more locks with less wait not shown; use --top N or --all to list more)"))
    }

    @Test func flaggedLockBeyondTheLimitIsStillListed() {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "quiet-but-long"), lockRecord(2, "hot"),
            counters(1, acquisitions: 10, contended: 1, wait: 50 * millisecond),
            counters(2, acquisitions: 10, contended: 1, wait: 200 * millisecond),
            end(after: second),
        ]
        let limited = ContentionAnalysis.report(records: records, threshold: 0.25).limited(locks: 1, stacks: 3)
        #expect(limited.locks.map(\.name) == ["hot"])
        let flaggedLow = ContentionAnalysis.report(records: records, threshold: 0.01).limited(locks: 1, stacks: 3)
        #expect(flaggedLow.locks.map(\.name) == ["hot", "quiet-but-long"])
    }

    /// Locks tied on wait, some on name too, one rebuilt from its events, one known only from its
    /// counters, one only from its events.
    static let tiedRun: [TraceRecord] =
        Array(hotAndShardedRun.dropLast())
        + [lockRecord(30, "b-same"), lockRecord(31, "a-same"), lockRecord(32, "b-same"), lockRecord(33, "from-events")]
        + [30, 31, 32].map { counters($0, acquisitions: 1) } + [counters(40, acquisitions: 5)]
        + [contention(lock: 33, wait: 40 * millisecond, waiter: 0, holder: 0)]
        + [contention(lock: 50, wait: 1 * millisecond, waiter: 0, holder: 0), end(after: second)]

    @Test func tiesAreOrderedByNameThenIdOverRankedNames() {
        let report = ContentionAnalysis.report(records: Self.tiedRun)
        #expect(report.locks.suffix(4).map(\.name) == ["a-same", "b-same", "b-same", "lock #40"])
        #expect(report.locks.suffix(4).map(\.lockID) == [31, 30, 32, 40])
        #expect(report.locks.map(\.name).prefix(3) == ["hot-counter", "from-events", "lock #50"])
        #expect(report.notes.contains(.countersFromEvents(locks: ["from-events", "lock #50"])))
    }

    @Test func listingSomeLocksBuildsTheSameReportAsLimitingAllOfThem() {
        var trace = ProcessTrace(files: ["<memory>"])
        for record in Self.tiedRun { trace.add(record) }
        for threshold in [0.01, 0.1] {
            let all = ContentionAnalysis.report(processes: [trace], threshold: threshold)
            #expect(all.locks.count == 15)
            for maximum in 1...16 {
                let listed = ContentionAnalysis.report(processes: [trace], threshold: threshold, listing: maximum)
                #expect(listed.locks.count == max(min(maximum, 15), all.flaggedLocks.count))
                #expect(listed == all.limited(locks: maximum, stacks: .max))
            }
        }
    }
}

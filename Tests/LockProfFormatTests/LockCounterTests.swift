import Testing
@testable import LockProfFormat

/// The counter schema (`LockCounter`): its order is the `lockStatistics` record's field order.
@Suite struct LockCounterTests {
    /// Every counter a different value (its position + 1), and a histogram.
    static func distinctCounters() -> LockCounters {
        var counters = LockCounters(waitHistogram: [7, 0, 9])
        for counter in LockCounter.allCases { counters[counter] = UInt64(counter.rawValue + 1) }
        return counters
    }

    @Test func theRecordBodyHasTheFieldsInTheDocumentedOrder() {
        // docs/trace-format.md, tag 9, spelled out here so that reordering the schema fails.
        let documented: [LockCounter] = [
            .acquisitions, .contendedAcquisitions, .failedTryLocks, .timeouts, .waitNanoseconds,
            .maximumWaitNanoseconds, .sampledHolds, .sampledHoldNanoseconds, .blockingHolds,
            .blockingHoldNanoseconds,
        ]
        let appended: [LockCounter] = [
            .reentries, .sharedAcquisitions, .sharedContendedAcquisitions, .sharedWaitNanoseconds,
            .conditionWaitNanoseconds, .signals, .broadcasts, .cpuMeasuredHoldNanoseconds, .holderCPUNanoseconds,
        ]
        #expect(documented + appended == LockCounter.allCases)
        let counters = Self.distinctCounters()
        var expected = ByteSink()
        expected.varint(UInt32(5))
        for counter in documented { expected.varint(counters[counter]) }
        for value: UInt64 in [3, 7, 0, 9] { expected.varint(value) }
        for counter in appended { expected.varint(counters[counter]) }
        var body = ByteSink()
        var clock = ChunkClock()
        TraceRecord.lockStatistics(LockStatisticsRecord(lockID: 5, counters: counters)).encodeBody(into: &body, clock: &clock)
        #expect(body.bytes == expected.bytes)
    }

    @Test func everyCounterAndTheHistogramSurviveTheRecord() throws {
        let record = LockStatisticsRecord(lockID: 3, counters: Self.distinctCounters())
        let (records, summary) = try readBack(traceBytes([[.lockStatistics(record)]]))
        #expect(summary.damage.isEmpty)
        #expect(records == [.lockStatistics(record)])
        #expect(record.signals == UInt64(LockCounter.signals.rawValue + 1))
    }

    @Test func sinceSubtractsEveryCounterButKeepsTheLaterMaximum() {
        var earlier = LockCounters([.acquisitions: 10, .maximumWaitNanoseconds: 900, .broadcasts: 1], waitHistogram: [1, 2])
        earlier.timeouts = 4
        let later = LockCounters(
            [.acquisitions: 25, .maximumWaitNanoseconds: 700, .broadcasts: 3, .timeouts: 4], waitHistogram: [1, 5, 8])
        let delta = later.since(earlier)
        #expect(delta.acquisitions == 15)
        #expect(delta.broadcasts == 2)
        #expect(delta.timeouts == 0)
        #expect(delta.maximumWaitNanoseconds == 700)
        #expect(delta.waitHistogram == [0, 3, 8])
        for counter in LockCounter.allCases where ![.acquisitions, .maximumWaitNanoseconds, .broadcasts].contains(counter) {
            #expect(delta[counter] == 0, "\(counter)")
        }
    }

    /// The storage keeps only what is set (LockCounters: three counters inline, the rest up to
    /// the last non-zero one): each counter still reads back alone, and zeros are zeros.
    @Test func eachCounterIsStoredApartAndAZeroedOneEqualsOneNeverSet() {
        for counter in LockCounter.allCases {
            var counters = LockCounters()
            counters[counter] = 41
            for other in LockCounter.allCases { #expect(counters[other] == (other == counter ? 41 : 0), "\(counter) set, \(other) read") }
            #expect(counters != LockCounters())
            counters[counter] = 0
            #expect(counters == LockCounters(), "\(counter) set back to 0")
        }
        var taken = LockCounters()
        taken.acquisitions = 1
        taken.sampledHolds = 1
        taken.sampledHoldNanoseconds = 580
        taken.timeouts = 0
        #expect(taken.storedCounters == 0, "a lock that was only taken stores nothing beside what is inline")
        taken.holderCPUNanoseconds = 5
        #expect(taken.storedCounters == LockCounter.allCases.count - 3)
        #expect(taken.acquisitions == 1 && taken.sampledHolds == 1 && taken.sampledHoldNanoseconds == 580)
        #expect(Self.distinctCounters() == Self.distinctCounters().merged(with: LockCounters()))
    }
}

import LockProfAnalysis
import LockProfFormat
import Testing

/// `TraceLoader` sums events in arrays (`EventAccumulator`) rather than by `ProcessTrace.add`;
/// the result must be the same trace, whatever the ids.
@Suite struct EventAccumulatorTests {
    /// A deterministic mix of contention and release events over `locks` and `stacks`, with
    /// timeouts, uncaptured stacks (id 0), waits of 0 and waits that overflow when summed.
    static func events(count: Int, locks: [UInt32], stacks: [UInt32]) -> [TraceRecord] {
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state >> 33)
        }
        return (0..<count).map { index in
            let lock = locks[next() % locks.count]
            let time = start + UInt64(index) * 1_000 - UInt64(next() % 500)
            let stack = stacks[next() % stacks.count]
            if next() % 5 < 3 {
                let wait: UInt64 = index % 97 == 0 ? UInt64.max / 3 : index % 31 == 0 ? 0 : UInt64(next() % 5_000_000)
                return .contention(
                    ContentionRecord(
                        lockID: lock, threadID: 1, timeNanoseconds: time, waitNanoseconds: wait, waiterStackID: stack,
                        holderStackID: stacks[next() % stacks.count], timedOut: index % 13 == 0))
            }
            return .release(
                ReleaseRecord(
                    lockID: lock, threadID: 1, timeNanoseconds: time, holdNanoseconds: UInt64(next() % 1_000_000),
                    holderStackID: stack, holdMeasuredFromAcquisition: index % 2 == 0))
        }
    }

    /// Loads `records` (written as one trace) and rebuilds the trace record by record.
    static func loadedAndRebuilt(_ records: [TraceRecord]) throws -> (loaded: ProcessTrace?, rebuilt: ProcessTrace) {
        let path = try writeTrace([[processRecord(), lockRecord(1, "a")] + records + [end(after: 10 * second)]])
        var rebuilt = ProcessTrace(files: [path])
        for record in try TraceReader.readAll(path: path).records { rebuilt.add(record) }
        return (try TraceLoader.load(path: path), rebuilt)
    }

    @Test func loaderSumsEventsExactlyAsAddingEachRecord() throws {
        let records = Self.events(count: 4_000, locks: [1, 2, 3, 9], stacks: [0, 1, 2, 5, 17, 300])
        let (loaded, rebuilt) = try Self.loadedAndRebuilt(records)
        #expect(loaded == rebuilt)
        #expect(loaded?.events.count == 4)
        #expect(loaded?.events[1]?.waiterStacks.keys.sorted() == [0, 1, 2, 5, 17, 300])
    }

    @Test func idsPastTheArraysAreSummedTheSame() throws {
        // Lock and stack ids a damaged or foreign trace may carry: past the dense limits.
        let records = Self.events(count: 2_000, locks: [1, 70_000, UInt32.max], stacks: [0, 3, 16_384, UInt32.max])
        let (loaded, rebuilt) = try Self.loadedAndRebuilt(records)
        #expect(loaded == rebuilt)
        #expect(loaded?.events[UInt32.max]?.holderStacks[UInt32.max] != nil)
    }

    @Test func locksPastTheCellBudgetAreSummedTheSame() throws {
        // 17 locks each reaching stack id 16 383: 17 × 16 384 cells pass the budget of 2^18, so the
        // last lock falls back to dictionaries.
        let locks = Array(UInt32(1)...17)
        let records = locks.flatMap { lock in
            Self.events(count: 50, locks: [lock], stacks: [0, 7, 16_383])
        }
        let (loaded, rebuilt) = try Self.loadedAndRebuilt(records)
        #expect(loaded == rebuilt)
        #expect(loaded?.events.count == 17)
    }
}

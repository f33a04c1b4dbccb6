import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct TraceLoaderProgressTests {
    @Test func progressCountsRecordsAndEndsWithTheFileTotal() throws {
        let waits = (0..<(TraceLoader.progressInterval + 10)).map { index in
            contention(lock: 1, wait: 100, at: start + UInt64(index), waiter: 0, holder: 0)
        }
        let records = [processRecord(), lockRecord(1, "hot")] + waits + [end(after: second)]
        let path = try writeTrace([records])
        var calls: [Int] = []
        _ = try TraceLoader.load(paths: [path]) { seenPath, count in
            #expect(seenPath == path)
            calls.append(count)
        }
        #expect(calls == [TraceLoader.progressInterval, records.count])
    }
}

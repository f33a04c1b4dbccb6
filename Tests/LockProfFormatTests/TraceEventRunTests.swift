import Testing
@testable import LockProfFormat

/// `TraceReader.read(bytes:events:records:)` hands events out in runs and the other records one
/// by one; put back together they are the records `read(bytes:_:)` gives, in the same order.
@Suite struct TraceEventRunTests {
    /// What a reading with runs saw: every record in order, and each run as the records it held.
    static func readInRuns(_ bytes: [UInt8]) throws -> (records: [TraceRecord], runs: [[TraceRecord]], summary: TraceReadSummary) {
        var records: [TraceRecord] = []
        var runs: [[TraceRecord]] = []
        let summary = try TraceReader.read(
            bytes: bytes,
            events: { run in
                #expect(!run.isEmpty)
                runs.append(run.map(\.record))
                records += run.map(\.record)
            },
            records: { record in
                switch record {
                case .contention, .release: Issue.record("event \(record) handed out as a record")
                default: records.append(record)
                }
            })
        return (records, runs, summary)
    }

    static func isEvent(_ record: TraceRecord) -> Bool {
        switch record {
        case .contention, .release: true
        default: false
        }
    }

    static func contention(_ time: UInt64) -> TraceRecord {
        .contention(
            ContentionRecord(
                lockID: 7, threadID: 1, timeNanoseconds: time, waitNanoseconds: time % 5_000, waiterStackID: 3,
                holderStackID: 0, timedOut: time % 3 == 0))
    }

    static func release(_ time: UInt64) -> TraceRecord {
        .release(
            ReleaseRecord(
                lockID: 7, threadID: 2, timeNanoseconds: time, holdNanoseconds: 70_000, holderStackID: 3,
                holdMeasuredFromAcquisition: time % 2 == 0))
    }

    @Test func runsAndRecordsTogetherAreTheRecordsInFileOrder() throws {
        // Events before, between and after other records; a chunk of events only; a chunk without.
        var first: [TraceRecord] = [Self.contention(10), Self.release(5)]
        first += everyKindOfRecord.prefix(3)
        first.append(Self.contention(1))
        first += everyKindOfRecord[3..<6]
        first += [Self.release(900), Self.contention(2)]
        var second: [TraceRecord] = []
        for index in 0..<50 {
            let time = UInt64(index)
            second.append(index % 4 == 0 ? Self.release(1_000 - time) : Self.contention(time * 37))
        }
        let chunks: [[TraceRecord]] = [first, second, Array(everyKindOfRecord[6...])]
        let bytes = traceBytes(chunks)
        let (records, runs, summary) = try Self.readInRuns(bytes)
        #expect(records == Array(chunks.joined()))
        #expect(records == (try readBack(bytes)).records)
        #expect(summary.records == chunks.joined().count)
        #expect(summary.chunks == 3)
        // Runs are the maximal stretches of events of one chunk: never across another record or
        // a chunk boundary.
        let eventsOfEveryKind = everyKindOfRecord.filter(Self.isEvent)
        #expect(
            runs == [
                [Self.contention(10), Self.release(5)], [Self.contention(1)], [Self.release(900), Self.contention(2)],
                chunks[1], eventsOfEveryKind,
            ])
    }

    @Test func aChunkThatFailsToDecodeHandsOutNoEventAtAll() throws {
        // Valid events, then a contention whose lock id does not fit 32 bits: the chunk passes its
        // checksum but does not decode, and none of its events may reach the caller.
        var encoder = ChunkEncoder()
        for time in 1...20 { encoder.append(Self.contention(UInt64(time))) }
        let valid = Array(encoder.finishChunk(sequence: 0)[TraceFileLayout.chunkHeaderSize...])
        var body = ByteSink()
        body.varint(UInt64(1) << 40)
        let payload = valid + [RecordTag.contention.rawValue, UInt8(body.bytes.count)] + body.bytes
        encoder.append(Self.release(3))
        let secondPayload = Array(encoder.finishChunk(sequence: 1)[TraceFileLayout.chunkHeaderSize...])
        let bytes = TraceFileLayout.fileHeader() + RecordRoundTripTests.frame(payload: payload, sequence: 0, records: 21)
            + RecordRoundTripTests.frame(payload: secondPayload, sequence: 1, records: 1)
        let (records, runs, summary) = try Self.readInRuns(bytes)
        #expect(records == [Self.release(3)])
        #expect(runs == [[Self.release(3)]])
        #expect(summary.chunks == 1)
        #expect(summary.records == 1)
        #expect(summary.damage.count == 1)
        if case .corruptChunk(let at, let reason) = summary.damage.first {
            #expect(at == UInt64(TraceFileLayout.fileHeaderSize))
            #expect(reason == "record 20 (tag 7): value 1099511627776 does not fit 32 bits")
        } else {
            Issue.record("expected a corrupt chunk, got \(summary.damage)")
        }
    }

    @Test func everyTruncationPointKeepsTheWholeChunksBeforeIt() throws {
        let chunks: [[TraceRecord]] = [
            Array(everyKindOfRecord.prefix(8)), (0..<12).map { Self.contention(UInt64($0 * 1_001)) },
            Array(everyKindOfRecord[8...]),
        ]
        let bytes = traceBytes(chunks)
        let chunkEnds = (1...chunks.count).map { traceBytes(Array(chunks.prefix($0))).count }
        for cut in TraceFileLayout.fileHeaderSize...bytes.count {
            let (records, _, summary) = try Self.readInRuns(Array(bytes[..<cut]))
            let intact = chunkEnds.filter { $0 <= cut }.count
            #expect(records == Array(chunks.prefix(intact).joined()), "cut at \(cut)")
            #expect(summary.chunks == intact, "cut at \(cut)")
            #expect(summary.damage.isEmpty == (cut == TraceFileLayout.fileHeaderSize || chunkEnds.contains(cut)), "cut at \(cut)")
        }
    }
}

import Testing
@testable import LockProfFormat

@Suite struct RecordRoundTripTests {
    @Test func everyRecordKindSurvivesEncodingAndDecoding() throws {
        let (records, summary) = try readBack(traceBytes([everyKindOfRecord]))
        #expect(records == everyKindOfRecord)
        #expect(summary.damage.isEmpty)
        #expect(summary.chunks == 1)
        #expect(summary.records == everyKindOfRecord.count)
    }

    @Test func eventTimesRestartInEveryChunkSoChunksDecodeOnTheirOwn() throws {
        let first = ContentionRecord(lockID: 1, threadID: 1, timeNanoseconds: 900, waitNanoseconds: 5, waiterStackID: 0, holderStackID: 0)
        let second = ContentionRecord(lockID: 1, threadID: 2, timeNanoseconds: 100, waitNanoseconds: 5, waiterStackID: 0, holderStackID: 0)
        let bytes = traceBytes([[.contention(first)], [.contention(second)]])
        let (records, _) = try readBack(bytes)
        #expect(records == [.contention(first), .contention(second)])
    }

    @Test func trailingEmptyHistogramBucketsAreNotWritten() throws {
        let full = LockStatisticsRecord(lockID: 1, waitHistogram: [1, 0, 3, 0, 0, 0])
        let (records, _) = try readBack(traceBytes([[.lockStatistics(full)]]))
        #expect(records == [.lockStatistics(LockStatisticsRecord(lockID: 1, waitHistogram: [1, 0, 3]))])
    }

    @Test func unknownRecordTagsAreSkippedAndKnownOnesKept() throws {
        // A newer writer's record (tag 200, 3-byte body) between two records we know.
        var encoder = ChunkEncoder()
        encoder.append(.checkpoint(CheckpointRecord(timeNanoseconds: 1)))
        var chunk = encoder.finishChunk(sequence: 0)
        let known = Array(chunk[TraceFileLayout.chunkHeaderSize...])
        let payload = known + [200, 3, 9, 9, 9] + known
        chunk = Self.frame(payload: payload, sequence: 0, records: 3)
        let (records, summary) = try readBack(TraceFileLayout.fileHeader() + chunk)
        #expect(records == [.checkpoint(CheckpointRecord(timeNanoseconds: 1)), .checkpoint(CheckpointRecord(timeNanoseconds: 1))])
        #expect(summary.damage.isEmpty)
    }

    @Test func statisticsWrittenBeforeTheLockFamilyFieldsReadWithThoseFieldsZero() throws {
        // The body of a lockStatistics record as the first version of the writer laid it out:
        // lock id, ten counters, bucket count and buckets, nothing after.
        let (records, summary) = try Self.readStatisticsBody([4, 100, 2, 0, 0, 500, 300, 1, 10, 2, 400, 1, 2])
        #expect(summary.damage.isEmpty)
        #expect(
            records == [
                .lockStatistics(
                    LockStatisticsRecord(
                        lockID: 4, acquisitions: 100, contendedAcquisitions: 2, waitNanoseconds: 500,
                        maximumWaitNanoseconds: 300, waitHistogram: [2], sampledHolds: 1, sampledHoldNanoseconds: 10,
                        blockingHolds: 2, blockingHoldNanoseconds: 400))
            ])
    }

    @Test func theHolderCPUFieldsSurviveTheRecord() throws {
        var record = LockStatisticsRecord(lockID: 6, acquisitions: 40, contendedAcquisitions: 9, sampledHolds: 3)
        record.cpuMeasuredHoldNanoseconds = 45_000_000
        record.holderCPUNanoseconds = 43_200_000
        let (records, summary) = try readBack(traceBytes([[.lockStatistics(record)]]))
        #expect(summary.damage.isEmpty)
        #expect(records == [.lockStatistics(record)])
        guard case .lockStatistics(let read) = records.first else { return }
        #expect(read.cpuMeasuredHoldNanoseconds == 45_000_000)
        #expect(read.holderCPUNanoseconds == 43_200_000)
    }

    @Test func statisticsWrittenBeforeTheHolderCPUFieldsReadWithThoseFieldsZero() throws {
        // A lockStatistics body as the writer laid it out before the holder's CPU time: lock id,
        // ten counters, bucket count and buckets, the seven lock-family fields, nothing after.
        let (records, summary) = try Self.readStatisticsBody(
            [4, 100, 2, 0, 0, 500, 300, 1, 10, 2, 400, 1, 2, 5, 0, 0, 0, 0, 0, 0])
        #expect(summary.damage.isEmpty)
        var expected = LockStatisticsRecord(
            lockID: 4, acquisitions: 100, contendedAcquisitions: 2, waitNanoseconds: 500, maximumWaitNanoseconds: 300,
            waitHistogram: [2], sampledHolds: 1, sampledHoldNanoseconds: 10, blockingHolds: 2, blockingHoldNanoseconds: 400)
        expected.reentries = 5
        #expect(records == [.lockStatistics(expected)])
        guard case .lockStatistics(let read) = records.first else { return }
        #expect(read.cpuMeasuredHoldNanoseconds == 0 && read.holderCPUNanoseconds == 0)
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(long)
        let pieces = CRC32C.checksum(Array(long[333...]), continuing: CRC32C.checksum(Array(long[..<333])))
        #expect(whole == pieces)
    }

    /// Frames a hand-made payload the way ``ChunkEncoder`` does.
    /// Reads a one-chunk trace holding one `lockStatistics` record whose body is `values`, as
    /// varints: what an older writer laid out.
    static func readStatisticsBody(_ values: [UInt64]) throws -> (records: [TraceRecord], summary: TraceReadSummary) {
        var body = ByteSink()
        for value in values { body.varint(value) }
        var payload = ByteSink()
        payload.byte(RecordTag.lockStatistics.rawValue)
        payload.varint(UInt64(body.bytes.count))
        payload.bytes += body.bytes
        return try readBack(TraceFileLayout.fileHeader() + frame(payload: payload.bytes, sequence: 0, records: 1))
    }

    static func frame(payload: [UInt8], sequence: UInt64, records: UInt32) -> [UInt8] {
        var header = ByteSink()
        header.bytes += TraceFileLayout.chunkMagic
        header.fixed32(UInt32(payload.count))
        header.fixed64(sequence)
        header.fixed32(records)
        header.fixed32(CRC32C.checksum(payload))
        header.fixed32(CRC32C.checksum(Array(header.bytes[4..<24])))
        return header.bytes + payload
    }
}

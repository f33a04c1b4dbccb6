import Testing
@testable import LockProfFormat

/// Values no writer produces, each in a chunk whose checksums are right (so only the decoder's
/// limits can catch them): rejected with a message that names the value, nothing allocated for
/// them, and the chunks around them kept.
@Suite struct AbsurdValueTests {
    /// A file whose middle chunk holds `payload`, between two intact checkpoint chunks.
    static func sandwich(_ payload: [UInt8]) -> [UInt8] {
        var bytes = TraceFileLayout.fileHeader()
        var encoder = ChunkEncoder()
        encoder.append(.checkpoint(CheckpointRecord(timeNanoseconds: 1)))
        bytes += encoder.finishChunk(sequence: 0)
        bytes += RecordRoundTripTests.frame(payload: payload, sequence: 1, records: 1)
        encoder.append(.checkpoint(CheckpointRecord(timeNanoseconds: 3)))
        bytes += encoder.finishChunk(sequence: 2)
        return bytes
    }

    /// The reason the middle chunk was skipped, after checking that only it was.
    static func rejection(of payload: [UInt8]) throws -> String {
        let (records, summary) = try readBack(sandwich(payload))
        #expect(records == [.checkpoint(CheckpointRecord(timeNanoseconds: 1)), .checkpoint(CheckpointRecord(timeNanoseconds: 3))])
        #expect(summary.damage.count == 1)
        guard case .corruptChunk(_, let reason) = try #require(summary.damage.first) else { return "" }
        return reason
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var sink = ByteSink()
        sink.varint(value)
        return sink.bytes
    }

    @Test func aRecordLengthOfTwoToTheSixtyThirdIsRejected() throws {
        let reason = try Self.rejection(of: [RecordTag.checkpoint.rawValue] + Self.varint(1 << 63) + [0])
        #expect(reason.contains("count 9223372036854775808 exceeds the limit"), "\(reason)")
    }

    @Test func aStringOfTwoToTheSixtyThirdBytesIsRejected() throws {
        // A thread record: id 1, system id 2, then a name claiming 2^63 bytes.
        let body = Self.varint(1) + Self.varint(2) + Self.varint(1 << 63)
        let reason = try Self.rejection(of: [RecordTag.thread.rawValue] + Self.varint(UInt64(body.count)) + body)
        #expect(reason.contains("count 9223372036854775808 exceeds the limit"), "\(reason)")
    }

    @Test func aStackOfAMillionFramesIsRejectedBeforeAnyIsAllocated() throws {
        let body = Self.varint(1) + Self.varint(1_000_000)
        let reason = try Self.rejection(of: [RecordTag.stack.rawValue] + Self.varint(UInt64(body.count)) + body)
        #expect(reason.contains("count 1000000 exceeds the limit of \(TraceLimits.maximumFrames)"), "\(reason)")
    }

    @Test func aFrameCountWithinTheLimitButBeyondTheBytesIsRejected() throws {
        let body = Self.varint(1) + Self.varint(UInt64(TraceLimits.maximumFrames))
        let reason = try Self.rejection(of: [RecordTag.stack.rawValue] + Self.varint(UInt64(body.count)) + body)
        #expect(reason.contains("exceeds the bytes that remain"), "\(reason)")
    }

    @Test func aVarintLongerThanTenBytesIsRejected() throws {
        let reason = try Self.rejection(of: [RecordTag.checkpoint.rawValue] + Array(repeating: 0xFF, count: 11) + [0])
        #expect(reason.contains("varint"), "\(reason)")
    }

    @Test func anIdBeyondThirtyTwoBitsIsRejected() throws {
        let body = Self.varint(1 << 40) + Self.varint(5)
        let reason = try Self.rejection(of: [RecordTag.drops.rawValue] + Self.varint(UInt64(body.count)) + body)
        #expect(reason.contains("does not fit 32 bits"), "\(reason)")
    }

    /// Chunks 0, 1, then one claiming to be 7, then 2: the reader keeps file order, reports the
    /// jump, and refuses the chunk that goes back, so no record is read twice or out of order.
    @Test func aChunkClaimingToBeNewerThanItsNeighboursIsReported() throws {
        var bytes = TraceFileLayout.fileHeader()
        var encoder = ChunkEncoder()
        for sequence: UInt64 in [0, 1, 7, 2] {
            encoder.append(.checkpoint(CheckpointRecord(timeNanoseconds: sequence)))
            bytes += encoder.finishChunk(sequence: sequence)
        }
        let (records, summary) = try readBack(bytes)
        let times = records.map { record -> UInt64 in
            if case .checkpoint(let checkpoint) = record { return checkpoint.timeNanoseconds }
            return .max
        }
        #expect(times == [0, 1, 7])
        #expect(summary.damage.count == 2)
        #expect(summary.damage.first == .missingChunks(afterSequence: 1, nextSequence: 7))
        #expect(summary.damage.last.map(DamagedTraceTests.reason) == "sequence 2 does not follow 7")
    }
}

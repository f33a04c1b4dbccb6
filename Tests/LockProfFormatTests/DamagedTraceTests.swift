import Testing
@testable import LockProfFormat

@Suite struct DamagedTraceTests {
    /// Three chunks, so damage in one can be told apart from the others.
    let chunks: [[TraceRecord]] = [
        Array(everyKindOfRecord.prefix(5)),
        Array(everyKindOfRecord[5..<10]),
        Array(everyKindOfRecord[10...]),
    ]

    @Test func everyTruncationPointKeepsTheChunksBeforeItAndSaysWhatWasLost() throws {
        let bytes = traceBytes(chunks)
        let chunkEnds = chunkBoundaries(bytes)
        for cut in TraceFileLayout.fileHeaderSize..<bytes.count {
            let (records, summary) = try readBack(Array(bytes[..<cut]))
            let intact = chunkEnds.filter { $0 <= cut }.count
            #expect(records == Array(chunks.prefix(intact).joined()), "cut at \(cut)")
            if cut == TraceFileLayout.fileHeaderSize || chunkEnds.contains(cut) {
                #expect(summary.damage.isEmpty, "cut at \(cut)")
            } else {
                let start = UInt64(intact == 0 ? TraceFileLayout.fileHeaderSize : chunkEnds[intact - 1])
                #expect(summary.damage == [.truncated(atByte: start, lostBytes: UInt64(cut) - start)], "cut at \(cut)")
            }
        }
    }

    @Test func cutsInsideTheFileHeaderAreNotATrace() {
        let bytes = traceBytes(chunks)
        for cut in 0..<TraceFileLayout.fileHeaderSize {
            #expect(throws: TraceError.notATrace(path: "<memory>")) { try readBack(Array(bytes[..<cut])) }
        }
    }

    @Test func aFlippedByteInTheMiddleChunkLosesOnlyThatChunk() throws {
        let bytes = traceBytes(chunks)
        let ends = chunkBoundaries(bytes)
        for offset in ends[0]..<ends[1] {
            var damaged = bytes
            damaged[offset] ^= 0x40
            let (records, summary) = try readBack(damaged)
            #expect(records == chunks[0] + chunks[2], "byte \(offset)")
            #expect(summary.damage.count == 1, "byte \(offset)")
            #expect(summary.damage.first == .corruptChunk(atByte: UInt64(ends[0]), reason: summary.damage.first.map(Self.reason) ?? ""), "byte \(offset)")
        }
    }

    @Test func anAbsurdChunkLengthIsRejectedWithoutReadingOrAllocatingIt() throws {
        var bytes = traceBytes(chunks)
        // A huge length with a header checksum that matches it: only the limit can catch it.
        let at = TraceFileLayout.fileHeaderSize
        bytes.replaceSubrange((at + 4)..<(at + 8), with: [0xFF, 0xFF, 0xFF, 0x7F])
        let checksum = CRC32C.checksum(Array(bytes[(at + 4)..<(at + 24)]))
        bytes.replaceSubrange((at + 24)..<(at + 28), with: withUnsafeBytes(of: checksum.littleEndian) { Array($0) })
        let (records, summary) = try readBack(bytes)
        #expect(records == chunks[1] + chunks[2])
        #expect(summary.damage.first.map(Self.reason)?.contains("exceeds the limit") == true)
    }

    @Test func aStackClaimingMoreFramesThanTheLimitMakesItsChunkCorrupt() throws {
        var sink = ByteSink()
        sink.varint(UInt64(1))  // stack id
        sink.varint(UInt64(1_000_000))  // frame count
        let payload: [UInt8] = [RecordTag.stack.rawValue, UInt8(sink.bytes.count)] + sink.bytes
        let bytes = TraceFileLayout.fileHeader() + RecordRoundTripTests.frame(payload: payload, sequence: 0, records: 1)
        let (records, summary) = try readBack(bytes)
        #expect(records.isEmpty)
        #expect(summary.damage.first.map(Self.reason)?.contains("exceeds the limit of 64") == true)
    }

    @Test func aGapInSequenceNumbersIsReported() throws {
        var bytes = TraceFileLayout.fileHeader()
        var encoder = ChunkEncoder()
        for sequence: UInt64 in [0, 1, 4] {
            encoder.append(.checkpoint(CheckpointRecord(timeNanoseconds: sequence)))
            bytes += encoder.finishChunk(sequence: sequence)
        }
        let (records, summary) = try readBack(bytes)
        #expect(records.count == 3)
        #expect(summary.damage == [.missingChunks(afterSequence: 1, nextSequence: 4)])
    }

    @Test func aNewerFormatVersionIsRefusedByName() {
        var bytes = traceBytes(chunks)
        bytes[8] = 9
        #expect(throws: TraceError.unsupportedVersion(path: "<memory>", version: 9)) { try readBack(bytes) }
    }

    static func reason(_ damage: TraceDamage) -> String {
        if case .corruptChunk(_, let reason) = damage { return reason }
        return ""
    }

    /// Byte offsets where each chunk ends.
    func chunkBoundaries(_ bytes: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var offset = TraceFileLayout.fileHeaderSize
        while offset < bytes.count {
            let length = bytes[(offset + 4)..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += TraceFileLayout.chunkHeaderSize + length
            ends.append(offset)
        }
        return ends
    }
}

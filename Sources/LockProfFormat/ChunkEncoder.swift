/// Collects records into one chunk's payload and frames it with its header and checksum.
///
/// The runtime's collector appends the records it drains and calls ``finishChunk(sequence:)``
/// when the payload is large enough or a periodic flush is due; tests use it to build traces byte
/// by byte.
public struct ChunkEncoder: Sendable {
    private var payload = ByteSink()
    private var clock = ChunkClock()
    private var body = ByteSink()

    /// Records appended since the last ``finishChunk(sequence:)``.
    public private(set) var recordCount = 0

    public init() {}

    /// Bytes of payload so far; callers finish a chunk once this passes their target size.
    public var payloadByteCount: Int { payload.bytes.count }

    /// True when no record was appended since the last chunk was finished.
    public var isEmpty: Bool { recordCount == 0 }

    /// Adds one record to the current chunk.
    public mutating func append(_ record: TraceRecord) {
        body.bytes.removeAll(keepingCapacity: true)
        record.encodeBody(into: &body, clock: &clock)
        payload.byte(record.tag.rawValue)
        payload.varint(UInt64(body.bytes.count))
        payload.bytes.append(contentsOf: body.bytes)
        recordCount += 1
    }

    /// Returns the framed chunk (header + payload) and starts a new, empty one.
    public mutating func finishChunk(sequence: UInt64) -> [UInt8] {
        var header = ByteSink()
        header.bytes.append(contentsOf: TraceFileLayout.chunkMagic)
        header.fixed32(UInt32(payload.bytes.count))
        header.fixed64(sequence)
        header.fixed32(UInt32(recordCount))
        header.fixed32(CRC32C.checksum(payload.bytes))
        header.fixed32(header.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[4..<24])) })
        let chunk = header.bytes + payload.bytes
        payload.bytes.removeAll(keepingCapacity: true)
        clock = ChunkClock()
        recordCount = 0
        return chunk
    }
}

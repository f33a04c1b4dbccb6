/// Collects records into one chunk's payload and frames it with its header and checksum.
///
/// The runtime's collector appends the events it drains with ``appendContention(lockID:threadID:timeNanoseconds:waitNanoseconds:waiterStackID:holderStackID:timedOut:)``
/// and ``appendRelease(lockID:threadID:timeNanoseconds:holdNanoseconds:holderStackID:holdMeasuredFromAcquisition:)``
/// — encoded field by field straight into the payload, with no record value in between — and the
/// rarer records with ``append(_:)``; it calls ``finishChunk(sequence:)`` when the payload is
/// large enough or a periodic flush is due. Tests use it to build traces byte by byte.
package struct ChunkEncoder: Sendable {
    /// The payload is `payload[0..<payloadCount]`; the bytes after it are room for the next
    /// records (kept across chunks, so a steady stream of events allocates nothing).
    private var payload: [UInt8] = []
    private var payloadCount = 0
    private var clock = ChunkClock()
    private var body = ByteSink()

    /// Records appended since the last ``finishChunk(sequence:)``.
    package private(set) var recordCount = 0

    package init() {}

    /// Bytes of payload so far; callers finish a chunk once this passes their target size.
    package var payloadByteCount: Int { payloadCount }

    /// True when no record was appended since the last chunk was finished.
    package var isEmpty: Bool { recordCount == 0 }

    /// Adds one record to the current chunk.
    package mutating func append(_ record: TraceRecord) {
        switch record {
        case .contention(let r):
            appendContention(
                lockID: r.lockID, threadID: r.threadID, timeNanoseconds: r.timeNanoseconds,
                waitNanoseconds: r.waitNanoseconds, waiterStackID: r.waiterStackID, holderStackID: r.holderStackID,
                timedOut: r.timedOut)
        case .release(let r):
            appendRelease(
                lockID: r.lockID, threadID: r.threadID, timeNanoseconds: r.timeNanoseconds,
                holdNanoseconds: r.holdNanoseconds, holderStackID: r.holderStackID,
                holdMeasuredFromAcquisition: r.holdMeasuredFromAcquisition)
        default:
            body.bytes.removeAll(keepingCapacity: true)
            record.encodeBody(into: &body, clock: &clock)
            var header = ByteSink()
            header.byte(record.tag.rawValue)
            header.varint(UInt64(body.bytes.count))
            reserve(header.bytes.count + body.bytes.count)
            let start = payloadCount
            payload.withUnsafeMutableBufferPointer { buffer in
                var position = start
                for byte in header.bytes { buffer[position] = byte; position += 1 }
                _ = UnsafeMutableBufferPointer(rebasing: buffer[position...]).initialize(from: body.bytes)
            }
            payloadCount += header.bytes.count + body.bytes.count
            recordCount += 1
        }
    }

    /// Adds a `contention` record (the fields of ``ContentionRecord``) to the current chunk.
    package mutating func appendContention(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, waitNanoseconds: UInt64, waiterStackID: UInt32,
        holderStackID: UInt32, timedOut: Bool
    ) {
        appendEvent(tag: .contention, maximumBodyBytes: ContentionRecord.maximumBodyBytes) { cursor, clock in
            ContentionRecord.encodeBody(
                lockID: lockID, threadID: threadID, timeNanoseconds: timeNanoseconds, waitNanoseconds: waitNanoseconds,
                waiterStackID: waiterStackID, holderStackID: holderStackID, timedOut: timedOut, into: &cursor,
                clock: &clock)
        }
    }

    /// Adds a `release` record (the fields of ``ReleaseRecord``) to the current chunk.
    package mutating func appendRelease(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, holdNanoseconds: UInt64, holderStackID: UInt32,
        holdMeasuredFromAcquisition: Bool
    ) {
        appendEvent(tag: .release, maximumBodyBytes: ReleaseRecord.maximumBodyBytes) { cursor, clock in
            ReleaseRecord.encodeBody(
                lockID: lockID, threadID: threadID, timeNanoseconds: timeNanoseconds, holdNanoseconds: holdNanoseconds,
                holderStackID: holderStackID, holdMeasuredFromAcquisition: holdMeasuredFromAcquisition,
                into: &cursor, clock: &clock)
        }
    }

    /// Tag, one-byte length (every event body is shorter than 128 bytes), then the body, encoded
    /// in place after the length byte, which is filled in once the body's size is known.
    @inline(__always)
    private mutating func appendEvent(
        tag: RecordTag, maximumBodyBytes: Int, _ encode: (inout ByteCursor, inout ChunkClock) -> Void
    ) {
        reserve(2 + maximumBodyBytes)
        let start = payloadCount
        var clock = self.clock
        let written = payload.withUnsafeMutableBufferPointer { buffer in
            let record = buffer.baseAddress! + start
            record[0] = tag.rawValue
            var cursor = ByteCursor(record + 2)
            encode(&cursor, &clock)
            let length = cursor.position - (record + 2)
            record[1] = UInt8(truncatingIfNeeded: length)
            return 2 + length
        }
        self.clock = clock
        payloadCount += written
        recordCount += 1
    }

    /// Makes room for `count` more bytes after the payload.
    @inline(__always)
    private mutating func reserve(_ count: Int) {
        if _slowPath(payloadCount + count > payload.count) {
            payload.append(contentsOf: repeatElement(0, count: max(payload.count, payloadCount + count - payload.count, 4096)))
        }
    }

    /// Returns the framed chunk (header + payload) and starts a new, empty one.
    package mutating func finishChunk(sequence: UInt64) -> [UInt8] {
        let count = payloadCount
        var header = ByteSink()
        header.bytes.append(contentsOf: TraceFileLayout.chunkMagic)
        header.fixed32(UInt32(count))
        header.fixed64(sequence)
        header.fixed32(UInt32(recordCount))
        header.fixed32(payload.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<count])) })
        header.fixed32(header.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[4..<24])) })
        let chunk = header.bytes + payload[0..<count]
        payloadCount = 0
        clock = ChunkClock()
        recordCount = 0
        return chunk
    }
}

/// What reading a trace found besides its records: how much was read and what was damaged.
public struct TraceReadSummary: Equatable, Sendable {
    /// The file that was read.
    public var path: String
    /// Chunks that passed their checksum and decoded.
    public var chunks = 0
    /// Records handed to the visitor.
    public var records = 0
    /// Size of the file in bytes.
    public var bytes: UInt64 = 0
    /// Truncation and corruption found, in file order. Empty for an intact trace.
    public var damage: [TraceDamage] = []

    /// An empty summary of reading `path`, before the first chunk.
    public init(path: String) { self.path = path }
}

/// Reads a trace written by ``TraceWriter``, one chunk at a time, so memory stays bounded by the
/// largest chunk whatever the size of the file.
///
/// Whole-file problems (missing, not a trace, unsupported version, I/O error) throw
/// ``TraceError``. Damage inside the file does not: a chunk that fails its checksum or does not
/// decode is skipped whole, the reader looks for the next chunk marker and goes on, and a file
/// that ends inside a chunk keeps every chunk before it. Each is listed in
/// ``TraceReadSummary/damage``.
///
/// ```swift
/// let summary = try TraceReader.read(path: "trace.bin") { record in
///     if case .lock(let lock) = record { print(lock.name) }
/// }
/// ```
///
/// A reader of millions of events uses ``read(path:events:records:)``, which hands the
/// `contention` and `release` records out as plain ``TraceEvent`` values, in runs.
public enum TraceReader {
    /// Streams the records of the trace at `path` to `visit`, in file order. Errors thrown by
    /// `visit` stop the reading and are rethrown.
    public static func read(
        path: String, _ visit: (TraceRecord) throws -> Void
    ) throws -> TraceReadSummary {
        try read(path: path, events: { run in for event in run { try visit(event.record) } }, records: visit)
    }

    /// Streams the records of an in-memory trace; `path` only names it in messages.
    public static func read(
        bytes: [UInt8], path: String = "<memory>", _ visit: (TraceRecord) throws -> Void
    ) throws -> TraceReadSummary {
        try read(bytes: bytes, path: path, events: { run in for event in run { try visit(event.record) } }, records: visit)
    }

    /// Streams the trace at `path` in file order, as ``read(path:_:)`` does, but hands its
    /// `contention` and `release` records to `events` as runs of plain values (consecutive
    /// events of one chunk) and only the other records to `records`. The same records in the same
    /// order, without a ``TraceRecord`` per event: the fast path of `lockprof report`.
    ///
    /// ```swift
    /// var waits: UInt64 = 0
    /// _ = try TraceReader.read(path: "trace.bin", events: { run in
    ///     for case .contention(let c) in run { waits += c.waitNanoseconds }
    /// }, records: { _ in })
    /// ```
    public static func read(
        path: String, events: (ArraySlice<TraceEvent>) throws -> Void, records: (TraceRecord) throws -> Void
    ) throws -> TraceReadSummary {
        if let converted = try TraceTranslation.converted(path: path) {
            return try read(stream: ByteStream(bytes: converted), path: path, events: events, records: records)
        }
        let stream = try ByteStream(path: path)
        return try read(stream: stream, path: path, events: events, records: records)
    }

    /// ``read(path:events:records:)`` of an in-memory trace; `path` only names it in messages.
    public static func read(
        bytes: [UInt8], path: String = "<memory>", events: (ArraySlice<TraceEvent>) throws -> Void,
        records: (TraceRecord) throws -> Void
    ) throws -> TraceReadSummary {
        try read(stream: ByteStream(bytes: bytes), path: path, events: events, records: records)
    }

    /// Reads every record of the trace at `path` into memory. Convenient for tests and small traces.
    public static func readAll(path: String) throws -> (records: [TraceRecord], summary: TraceReadSummary) {
        var records: [TraceRecord] = []
        let summary = try read(path: path) { records.append($0) }
        return (records, summary)
    }

    private static func read(
        stream: ByteStream, path: String, events: (ArraySlice<TraceEvent>) throws -> Void,
        records: (TraceRecord) throws -> Void
    ) throws -> TraceReadSummary {
        var summary = TraceReadSummary(path: path)
        try readFileHeader(stream, path: path)
        var previousSequence: UInt64?
        var damageAtLastGoodChunk = 0
        var chunk = DecodedChunk()

        while true {
            let chunkStart = stream.position
            let available = try stream.ensure(TraceFileLayout.chunkHeaderSize)
            if available == 0 { break }
            if available < TraceFileLayout.chunkHeaderSize {
                summary.damage.append(.truncated(atByte: chunkStart, lostBytes: UInt64(available)))
                break
            }
            guard stream.matches(TraceFileLayout.chunkMagic, at: 0) else {
                try resynchronize(stream, from: chunkStart, reason: "no chunk marker", into: &summary)
                continue
            }
            let headerChecksum = stream.withBytes(4..<24) { CRC32C.checksum($0) }
            guard headerChecksum == stream.fixed32(at: 24) else {
                try resynchronize(stream, from: chunkStart, reason: "chunk header checksum mismatch", into: &summary)
                continue
            }
            let length = Int(stream.fixed32(at: 4))
            guard length <= TraceLimits.maximumChunkBytes else {
                try resynchronize(
                    stream, from: chunkStart,
                    reason: "chunk length \(length) exceeds the limit of \(TraceLimits.maximumChunkBytes)",
                    into: &summary)
                continue
            }
            let total = TraceFileLayout.chunkHeaderSize + length
            let got = try stream.ensure(total)
            if got < total {
                summary.damage.append(.truncated(atByte: chunkStart, lostBytes: UInt64(got)))
                break
            }
            let sequence = stream.fixed64(at: 8)
            let recordCount = Int(stream.fixed32(at: 16))
            let payloadChecksum = stream.withBytes(TraceFileLayout.chunkHeaderSize..<total) { CRC32C.checksum($0) }
            guard payloadChecksum == stream.fixed32(at: 20) else {
                try resynchronize(stream, from: chunkStart, reason: "payload checksum mismatch", into: &summary)
                continue
            }
            if let previous = previousSequence, sequence <= previous {
                summary.damage.append(
                    .corruptChunk(
                        atByte: chunkStart,
                        reason: "sequence \(sequence) does not follow \(previous)"))
                stream.advance(total)
                continue
            }
            // A gap right after a skipped corrupt chunk is that chunk; only report unexplained gaps.
            if let previous = previousSequence, sequence > previous + 1, summary.damage.count == damageAtLastGoodChunk {
                summary.damage.append(.missingChunks(afterSequence: previous, nextSequence: sequence))
            }
            let failure = stream.withBytes(TraceFileLayout.chunkHeaderSize..<total) {
                chunk.decode($0, expectedCount: recordCount)
            }
            stream.advance(total)
            if let failure {
                summary.damage.append(.corruptChunk(atByte: chunkStart, reason: failure.reason))
                continue
            }
            previousSequence = sequence
            damageAtLastGoodChunk = summary.damage.count
            summary.chunks += 1
            summary.records += chunk.count
            try chunk.deliver(events: events, records: records)
        }
        summary.bytes = stream.position
        return summary
    }

    private static func readFileHeader(_ stream: ByteStream, path: String) throws {
        let got = try stream.ensure(TraceFileLayout.fileHeaderSize)
        guard got >= TraceFileLayout.magic.count, stream.matches(TraceFileLayout.magic, at: 0) else {
            throw TraceError.notATrace(path: path)
        }
        guard got == TraceFileLayout.fileHeaderSize else { throw TraceError.notATrace(path: path) }
        let version = UInt16(truncatingIfNeeded: stream.fixed32(at: 8))
        guard version == TraceFileLayout.formatVersion else {
            throw TraceError.unsupportedVersion(path: path, version: version)
        }
        let headerSize = Int(stream.fixed32(at: 12))
        guard headerSize >= TraceFileLayout.fileHeaderSize, headerSize <= 4096,
            try stream.ensure(headerSize) == headerSize
        else { throw TraceError.notATrace(path: path) }
        stream.advance(headerSize)
    }

    /// Skips a damaged chunk by searching for the next chunk marker after its start.
    private static func resynchronize(
        _ stream: ByteStream, from start: UInt64, reason: String, into summary: inout TraceReadSummary
    ) throws {
        summary.damage.append(.corruptChunk(atByte: start, reason: reason))
        stream.advance(1)
        try stream.skip(toNext: TraceFileLayout.chunkMagic)
    }
}

/// A forward-only window over a file or an array, refilled in blocks; never holds more than the
/// largest chunk plus one block.
///
/// A file is read straight into `buffer` (no staging copy): `buffer[start..<filled]` is what has
/// been read and not yet passed; a refill moves that to the front and reads after it. The array
/// only grows (zero-filled once) when a chunk needs more than it has.
final class ByteStream {
    private let file: FileDescriptor?
    private let path: String
    private var buffer: [UInt8]
    private var start = 0
    private var filled: Int
    private var reachedEnd: Bool
    /// Absolute file offset of `buffer[start]`.
    private(set) var position: UInt64 = 0
    private static let block = 1 << 20

    /// Opens the file at `path`.
    init(path: String) throws(TraceError) {
        let file: FileDescriptor
        do { file = try FileDescriptor.openForReading(path: path) } catch {
            throw .cannotOpen(path: path, reason: error.description)
        }
        if file.isDirectory { throw .cannotOpen(path: path, reason: "is a directory") }
        self.file = file
        self.path = path
        self.buffer = []
        self.filled = 0
        self.reachedEnd = false
    }

    init(bytes: [UInt8]) {
        self.file = nil
        self.path = "<memory>"
        self.buffer = bytes
        self.filled = bytes.count
        self.reachedEnd = true
    }

    private var available: Int { filled - start }

    /// Makes up to `count` bytes available from the current position; returns how many are.
    func ensure(_ count: Int) throws -> Int {
        while available < count && !reachedEnd { try refill(wanting: count) }
        return min(count, available)
    }

    private func refill(wanting count: Int) throws {
        guard let file else { reachedEnd = true; return }
        let unread = available
        let want = max(count - unread, Self.block)
        if buffer.count < unread + want { buffer += repeatElement(0, count: unread + want - buffer.count) }
        let start = self.start
        let read = buffer.withUnsafeMutableBytes { raw in
            // Overlapping moves are allowed (memmove).
            if start > 0 { raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: unread) }
            return Result { () throws(SystemError) in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[unread..<(unread + want)]))
            }
        }
        let got: Int
        do { got = try read.get() } catch { throw TraceError.readFailed(path: path, reason: error.description) }
        self.start = 0
        filled = unread + got
        if got == 0 { reachedEnd = true }
    }

    func advance(_ count: Int) {
        let step = min(count, available)
        start += step
        position += UInt64(step)
    }

    func matches(_ pattern: [UInt8], at offset: Int) -> Bool {
        guard available >= offset + pattern.count else { return false }
        for (index, byte) in pattern.enumerated() where buffer[start + offset + index] != byte { return false }
        return true
    }

    func fixed32(at offset: Int) -> UInt32 {
        buffer.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start + offset, as: UInt32.self)) }
    }

    func fixed64(at offset: Int) -> UInt64 {
        buffer.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)) }
    }

    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[(start + range.lowerBound)..<(start + range.upperBound)])) }
    }

    /// Advances to the next occurrence of `pattern`, or to the end of the data.
    func skip(toNext pattern: [UInt8]) throws {
        while true {
            _ = try ensure(pattern.count)
            if available < pattern.count {
                advance(available)
                return
            }
            if matches(pattern, at: 0) { return }
            advance(1)
        }
    }
}

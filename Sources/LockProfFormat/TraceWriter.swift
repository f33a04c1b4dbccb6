/// Writes a trace file: the file header, then records grouped into checksummed chunks.
///
/// Use it from one thread at a time (the runtime's collector thread does). Appended records are
/// buffered in the current chunk; the chunk is written when it reaches ``targetChunkBytes`` or
/// when ``flush()`` is called, so what was flushed survives a crash of the program.
///
/// ```swift
/// let writer = try TraceWriter(path: "trace.bin")
/// try writer.append(.checkpoint(CheckpointRecord(timeNanoseconds: now)))
/// try writer.close()
/// ```
public final class TraceWriter {
    /// A chunk is written once its payload reaches this many bytes.
    public static let targetChunkBytes = 64 << 10

    /// Where the trace goes.
    public let path: String
    private var file: PosixFile?
    private var encoder = ChunkEncoder()
    private var nextSequence: UInt64 = 0

    /// Bytes written to the file so far (header and complete chunks).
    public private(set) var bytesWritten: UInt64 = 0

    /// Creates the file (mode 0600; never through a symlink; an existing file is an error unless
    /// `overwrite`) and writes the file header.
    public init(path: String, overwrite: Bool = false) throws(TraceError) {
        self.path = path
        let file = try PosixFile.create(path: path, overwrite: overwrite)
        let header = TraceFileLayout.fileHeader()
        try file.writeAll(header)
        bytesWritten = UInt64(header.count)
        self.file = file
    }

    /// Buffers a record, writing the chunk when it is full.
    public func append(_ record: TraceRecord) throws(TraceError) {
        encoder.append(record)
        if encoder.payloadByteCount >= Self.targetChunkBytes { try flush() }
    }

    /// Writes the buffered records as one chunk. Does nothing when none are buffered.
    public func flush() throws(TraceError) {
        guard !encoder.isEmpty else { return }
        guard let file else { throw .writeFailed(path: path, reason: "the writer is closed") }
        let chunk = encoder.finishChunk(sequence: nextSequence)
        nextSequence += 1
        try file.writeAll(chunk)
        bytesWritten += UInt64(chunk.count)
    }

    /// Flushes and closes the file. Later calls do nothing.
    public func close() throws(TraceError) {
        guard file != nil else { return }
        defer { file = nil }
        try flush()
    }
}

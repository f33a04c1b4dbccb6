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
    /// While records are kept together (``keepTogether(_:)``), a chunk is written only past this
    /// size: far below ``TraceLimits/maximumChunkBytes``, so memory stays bounded.
    public static let keptTogetherChunkBytes = 4 << 20

    /// Where the trace goes.
    public let path: String
    private var file: FileDescriptor?
    // Unchecked: the writer is used by one thread at a time (see above), and the collector
    // appends millions of events a second through it.
    @exclusivity(unchecked) private var encoder = ChunkEncoder()
    private var nextSequence: UInt64 = 0
    /// The payload size at which an append writes the chunk.
    @exclusivity(unchecked) private var flushThreshold = TraceWriter.targetChunkBytes

    /// Bytes written to the file so far (header and complete chunks).
    public private(set) var bytesWritten: UInt64 = 0

    /// Creates the file (mode 0600; never through a symlink; an existing file is an error unless
    /// `overwrite`) and writes the file header.
    public init(path: String, overwrite: Bool = false) throws(TraceError) {
        self.path = path
        let file: FileDescriptor
        do {
            file = try FileDescriptor.create(path: path, mode: 0o600, replacing: overwrite, followingSymbolicLinks: false)
        } catch {
            if error.isFileExists { throw .alreadyExists(path: path) }
            if error.isSymbolicLink { throw .cannotOpen(path: path, reason: "is a symbolic link (refusing to follow it)") }
            throw .cannotOpen(path: path, reason: error.description)
        }
        let header = TraceFileLayout.fileHeader()
        try write(header, to: file)
        bytesWritten = UInt64(header.count)
        self.file = file
    }

    /// Buffers a record, writing the chunk when it is full.
    public func append(_ record: TraceRecord) throws(TraceError) {
        encoder.append(record)
        if encoder.payloadByteCount >= flushThreshold { try flush() }
    }

    /// Buffers a `contention` record given by its fields (no ``ContentionRecord`` built: the
    /// runtime's collector writes one per event), writing the chunk when it is full.
    public func appendContention(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, waitNanoseconds: UInt64, waiterStackID: UInt32,
        holderStackID: UInt32, timedOut: Bool
    ) throws(TraceError) {
        encoder.appendContention(
            lockID: lockID, threadID: threadID, timeNanoseconds: timeNanoseconds, waitNanoseconds: waitNanoseconds,
            waiterStackID: waiterStackID, holderStackID: holderStackID, timedOut: timedOut)
        if encoder.payloadByteCount >= flushThreshold { try flush() }
    }

    /// Buffers a `release` record given by its fields (no ``ReleaseRecord`` built), writing the
    /// chunk when it is full.
    public func appendRelease(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, holdNanoseconds: UInt64, holderStackID: UInt32,
        holdMeasuredFromAcquisition: Bool
    ) throws(TraceError) {
        encoder.appendRelease(
            lockID: lockID, threadID: threadID, timeNanoseconds: timeNanoseconds, holdNanoseconds: holdNanoseconds,
            holderStackID: holderStackID, holdMeasuredFromAcquisition: holdMeasuredFromAcquisition)
        if encoder.payloadByteCount >= flushThreshold { try flush() }
    }

    /// Writes the buffered records as one chunk. Does nothing when none are buffered.
    /// Runs `body` with the current chunk kept open until it ends, so that no chunk boundary falls
    /// between the records it appends (unless they pass ``keptTogetherChunkBytes``): a process
    /// killed at any moment leaves all of them in the file or none. The runtime's collector
    /// appends each drain this way, so an event and the stack it names share a chunk.
    public func keepTogether(_ body: () throws(TraceError) -> Void) throws(TraceError) {
        flushThreshold = Self.keptTogetherChunkBytes
        defer { flushThreshold = Self.targetChunkBytes }
        try body()
        if encoder.payloadByteCount >= Self.targetChunkBytes { try flush() }
    }

    /// Writes the records buffered so far as one chunk, so they survive a crash of the program; does nothing when none are buffered.
    public func flush() throws(TraceError) {
        guard !encoder.isEmpty else { return }
        guard let file else { throw .writeFailed(path: path, reason: "the writer is closed") }
        let chunk = encoder.finishChunk(sequence: nextSequence)
        nextSequence += 1
        try write(chunk, to: file)
        bytesWritten += UInt64(chunk.count)
    }

    private func write(_ bytes: [UInt8], to file: FileDescriptor) throws(TraceError) {
        do { try file.writeAll(bytes) } catch { throw .writeFailed(path: path, reason: error.description) }
    }

    /// A whole trace in memory, as a file written by a writer that appended `records` and closed
    /// would hold: for a trace made from something else (the preload library's raw log) that is
    /// only read, never kept, so that ``TraceReader`` reads it exactly as it reads a file.
    public static func encode(_ records: some Sequence<TraceRecord>) -> [UInt8] {
        var bytes = TraceFileLayout.fileHeader()
        var encoder = ChunkEncoder()
        var sequence: UInt64 = 0
        for record in records {
            encoder.append(record)
            if encoder.payloadByteCount >= keptTogetherChunkBytes {
                bytes += encoder.finishChunk(sequence: sequence)
                sequence += 1
            }
        }
        if !encoder.isEmpty { bytes += encoder.finishChunk(sequence: sequence) }
        return bytes
    }

    /// Flushes and closes the file. Later calls do nothing.
    public func close() throws(TraceError) {
        guard file != nil else { return }
        defer { file = nil }
        try flush()
    }
}

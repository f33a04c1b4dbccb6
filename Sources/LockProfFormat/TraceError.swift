/// Why a trace could not be written or read at all. Each case carries the path and the fact the
/// user needs; `description` is the one line the CLI prints.
///
/// Damage *inside* a readable trace (a truncated tail, a corrupt chunk) is not an error: the
/// reader reports it as ``TraceDamage`` and keeps what the intact chunks hold.
public enum TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or created (`reason` is the system's words).
    case cannotOpen(path: String, reason: String)
    /// The trace would replace an existing file and overwriting was not asked for.
    case alreadyExists(path: String)
    /// The file does not start with the lockprof magic.
    case notATrace(path: String)
    /// The file is a lockprof trace of a version this build cannot read.
    case unsupportedVersion(path: String, version: UInt16)
    /// Reading failed part-way (an I/O error, not damage in the data).
    case readFailed(path: String, reason: String)
    /// Writing failed (disk full, file-size limit, I/O error); what was written before stays readable.
    case writeFailed(path: String, reason: String)
    /// The file is of a kind that is read by converting it (``TraceTranslation``; the preload
    /// library's raw log) but cannot be converted: its header is cut short or unknown.
    case cannotConvert(path: String, reason: String)

    /// The one line naming the file and the problem.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
        case .alreadyExists(let path): "\(path): file exists (choose another path or allow overwriting)"
        case .notATrace(let path): "\(path): not a lockprof trace (bad magic)"
        case .unsupportedVersion(let path, let version):
            "\(path): trace format version \(version) is not supported (this build reads version \(TraceFileLayout.formatVersion))"
        case .readFailed(let path, let reason): "\(path): read failed: \(reason)"
        case .writeFailed(let path, let reason): "\(path): write failed: \(reason)"
        case .cannotConvert(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// Damage found inside a trace that was otherwise readable. The reader skips what is damaged and
/// keeps going; reports list these so the user knows what was lost.
public enum TraceDamage: Equatable, Sendable, CustomStringConvertible {
    /// The file ends inside a chunk: the program stopped (or was killed) while writing it.
    case truncated(atByte: UInt64, lostBytes: UInt64)
    /// A chunk failed its checksum or could not be decoded; it was skipped.
    case corruptChunk(atByte: UInt64, reason: String)
    /// Chunk sequence numbers jumped: chunks in between are missing.
    case missingChunks(afterSequence: UInt64, nextSequence: UInt64)
    /// A `lock`, `thread`, `module` or `stack` record reused an id already defined with other
    /// contents (no writer does this); the first definition was kept.
    case conflictingDefinition(record: String, id: UInt32)

    /// The one line saying where the damage is and what was lost.
    public var description: String {
        switch self {
        case .truncated(let at, let lost):
            "trace is cut at byte \(at): the last \(lost) byte(s) belong to an unfinished chunk and were lost"
        case .corruptChunk(let at, let reason): "chunk at byte \(at) is corrupt and was skipped: \(reason)"
        case .missingChunks(let after, let next):
            "chunks \(after + 1)...\(next - 1) are missing (sequence jumps from \(after) to \(next))"
        case .conflictingDefinition(let record, let id):
            "\(record) \(id) is defined twice with different contents; the first definition was kept"
        }
    }
}

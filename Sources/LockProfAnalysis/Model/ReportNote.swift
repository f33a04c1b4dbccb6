import LockProfFormat

/// Something the reader of a report must know to trust its numbers: what was lost, what was
/// estimated. Renderers print each one as a line (`note: …` in text, a string in JSON).
public enum ReportNote: Equatable, Sendable, CustomStringConvertible {
    /// The trace has no `end` record: the program stopped (or was killed) while recording.
    /// `cutAtByte` is set when the file also ends inside a chunk.
    case incompleteTrace(path: String, cutAtByte: UInt64?, lostBytes: UInt64, runtimeNanoseconds: UInt64)
    /// The file ends inside a chunk although recording ended normally.
    case truncated(path: String, atByte: UInt64, lostBytes: UInt64)
    /// A chunk failed its checksum or did not decode and was skipped.
    case corruptChunk(path: String, atByte: UInt64, reason: String)
    /// Chunk sequence numbers jumped: chunks in between are missing.
    case missingChunks(path: String, afterSequence: UInt64, nextSequence: UInt64)
    /// An id was defined twice with different contents (a damaged or forged file).
    case conflictingDefinition(path: String, description: String)
    /// The file's `process` record was lost; its records form a process of their own.
    case missingProcessRecord(path: String)
    /// The file holds no chunk at all: recording stopped before its first flush.
    case emptyTrace(path: String)
    /// The same file was named more than once; it was read once.
    case duplicateFile(path: String)
    /// Threads' rings were full and events were dropped: counters stay exact, event-based
    /// figures (stacks, per-stack waits) are partial.
    case droppedEvents(count: UInt64)
    /// Some waits of these locks were recorded without stacks; stack weights are scaled up.
    case stacksSampled(locks: [String])
    /// No counters were recorded for these locks (the trace ended before the first flush):
    /// contended count and wait come from events and acquisitions are unknown.
    case countersFromEvents(locks: [String])
    /// The lock-order graph has more cycles than the report lists.
    case tooManyInversions(shown: Int)
    /// Locks died faster than the recording collector wrote them: the final counters of `locks`
    /// dead locks were folded into `entries` entries, one per creation site (``FoldedLocksRecord``).
    case foldedDeadLocks(locks: UInt64, entries: Int)
    /// The process at `path` wrote no symbols (it ended before recording stopped): its frames were
    /// resolved when the trace was read, against the binaries at their recorded paths, except
    /// `changedModules`, missing or modified since (``LateSymbolization``).
    case symbolizedAfterTheProcess(path: String, changedModules: [String])

    /// The note for damage a reader found in the file at `path`.
    static func damage(_ damage: TraceDamage, path: String) -> ReportNote {
        switch damage {
        case .truncated(let atByte, let lostBytes): .truncated(path: path, atByte: atByte, lostBytes: lostBytes)
        case .corruptChunk(let atByte, let reason): .corruptChunk(path: path, atByte: atByte, reason: reason)
        case .missingChunks(let after, let next): .missingChunks(path: path, afterSequence: after, nextSequence: next)
        case .conflictingDefinition: .conflictingDefinition(path: path, description: damage.description)
        }
    }

    /// The note as one line, as the text report prints it.
    public var description: String {
        switch self {
        case .incompleteTrace(let path, let cut, let lost, let runtime):
            if let cut {
                "\(path): trace is incomplete: cut at byte \(cut), \(lost) byte(s) of an unfinished chunk were lost; "
                    + "the report covers the intact chunks, runtime counted to the last one (\(ReportFormatting.duration(nanoseconds: runtime)))"
            } else {
                "\(path): trace is incomplete: recording did not stop normally (no end record); "
                    + "runtime counted to the last checkpoint or event (\(ReportFormatting.duration(nanoseconds: runtime)))"
            }
        case .truncated(let path, let at, let lost):
            "\(path): trace is cut at byte \(at), \(lost) byte(s) of an unfinished chunk were lost"
        case .corruptChunk(let path, let at, let reason):
            "\(path): chunk at byte \(at) is corrupt and was skipped (\(reason))"
        case .missingChunks(let path, let after, let next):
            "\(path): chunks \(after + 1)...\(next - 1) are missing"
        case .conflictingDefinition(let path, let description):
            "\(path): \(description)"
        case .missingProcessRecord(let path):
            "\(path): the process record was lost; its process is unknown and runtime starts at its first event"
        case .emptyTrace(let path):
            "\(path): the trace holds no records (recording stopped before its first flush)"
        case .duplicateFile(let path):
            "\(path) was given more than once; it was read once"
        case .droppedEvents(let count):
            "\(count) event(s) were dropped because threads' rings were full: counters are exact, stacks are partial"
        case .stacksSampled(let locks):
            "not every wait had its stacks captured for \(Self.list(locks)); "
                + "stack weights are scaled to the lock's total wait"
        case .countersFromEvents(let locks):
            "no counters were recorded for \(Self.list(locks)) (the trace ended before the first flush): "
                + "contended count and wait come from events, acquisitions are unknown"
        case .tooManyInversions(let shown):
            "the lock-order graph has more cycles than the \(shown) listed"
        case .foldedDeadLocks(let locks, let entries):
            "\(locks) lock(s) died faster than the recorder wrote them and were folded into \(entries) "
                + (entries == 1 ? "entry" : "entries") + ", "
                + "one per creation site: totals per site are exact, those locks' own figures are not shown"
        case .symbolizedAfterTheProcess(let path, let changed):
            "\(path): the process wrote no symbols (it ended before recording stopped): its frames were resolved now, "
                + "against the binaries at the paths it recorded"
                + (changed.isEmpty
                    ? "" : "; not \(changed.joined(separator: ", ")) (missing, or changed since the recording began): those frames read 0x<offset>")
        }
    }

    /// `a, b, c` — or the first five and `and 7 more locks`, so a note stays one readable line.
    static func list(_ names: [String]) -> String {
        guard names.count > 6 else { return names.joined(separator: ", ") }
        return names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more locks"
    }
}

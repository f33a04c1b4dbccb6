import LockProfFormat

/// Why a report could not be made at all. Each case carries the file and the fact the user needs;
/// `description` is the one line the command-line tool prints after `lockprof: error: `.
///
/// Damage *inside* a readable trace (a cut tail, a corrupt chunk) is not an error: it becomes a
/// ``ReportNote`` and the report keeps what the intact chunks hold.
public enum AnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No trace files were given.
    case noTraces
    /// A trace file could not be read at all (missing, not a trace, unsupported version, I/O).
    case unreadableTrace(TraceError)
    /// The file is a lockprof trace, but not one chunk of it could be read.
    case noIntactChunks(path: String, damage: [TraceDamage])
    /// A trace cannot be merged into another (`lockprof merge`).
    case cannotMerge(path: String, reason: String)

    /// The one line naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case .noTraces:
            "no trace files given (pass one or more paths written by LockProfiler)"
        case .unreadableTrace(let error):
            error.description
        case .noIntactChunks(let path, let damage):
            "\(path): no intact chunk in the trace" + (damage.first.map { " (\($0))" } ?? "")
        case .cannotMerge(let path, let reason):
            "\(path): cannot be merged: \(reason)"
        }
    }
}

import LockProfFormat

/// Reads trace files into per-process traces, streaming: each file is read once, record by
/// record, into a ``ProcessTrace`` (its events summed by an ``EventAccumulator``), so memory
/// stays O(locks + stacks) whatever the trace's size.
/// Files of the same process (same pid and recording start) are merged.
///
/// ```swift
/// let loaded = try TraceLoader.load(paths: ["a.trace", "b.trace"])
/// let report = ContentionAnalysis.report(processes: loaded.processes, notes: loaded.notes)
/// ```
public enum TraceLoader {
    /// The traces read, one per process, and what the reading found worth telling.
    public struct Loaded: Equatable, Sendable {
        public var processes: [ProcessTrace]
        public var notes: [ReportNote]

        public init(processes: [ProcessTrace], notes: [ReportNote]) {
            self.processes = processes
            self.notes = notes
        }
    }

    /// Reads every file in `paths`. Throws for the first file that cannot be read at all; damage
    /// inside a file is kept in the traces and reported as notes.
    public static func load(paths: [String]) throws(AnalysisError) -> Loaded {
        guard !paths.isEmpty else { throw .noTraces }
        var traces: [ProcessTrace] = []
        var notes: [ReportNote] = []
        var seen: Set<String> = []
        for path in paths {
            guard seen.insert(path).inserted else {
                notes.append(.duplicateFile(path: path))
                continue
            }
            guard let trace = try load(path: path) else {
                notes.append(.emptyTrace(path: path))
                continue
            }
            traces.append(trace)
        }
        return Loaded(processes: ProcessTrace.mergingSameProcesses(traces), notes: notes)
    }

    /// Reads one file; nil when it holds no chunk at all (and no damage).
    public static func load(path: String) throws(AnalysisError) -> ProcessTrace? {
        try load(path: path) { visit in try TraceReader.read(path: path, visit) }
    }

    /// Reads a trace held in memory as if it were the file `path`: for fuzzing and tests that
    /// damage a trace many times over.
    public static func load(bytes: [UInt8], path: String = "<memory>") throws(AnalysisError) -> Loaded {
        guard let trace = try load(path: path, reading: { visit in try TraceReader.read(bytes: bytes, path: path, visit) })
        else { return Loaded(processes: [], notes: [.emptyTrace(path: path)]) }
        return Loaded(processes: [trace], notes: [])
    }

    private static func load(
        path: String, reading read: ((TraceRecord) throws -> Void) throws -> TraceReadSummary
    ) throws(AnalysisError) -> ProcessTrace? {
        var trace = ProcessTrace(files: [path])
        var events = EventAccumulator()
        let summary: TraceReadSummary
        do {
            summary = try read { record in
                switch record {
                case .contention(let contention): events.add(contention)
                case .release(let release): events.add(release)
                default: trace.add(record)
                }
            }
        } catch let error as TraceError {
            throw .unreadableTrace(error)
        } catch {
            throw .unreadableTrace(.readFailed(path: path, reason: "\(error)"))
        }
        if summary.chunks == 0 {
            if summary.damage.isEmpty { return nil }
            throw .noIntactChunks(path: path, damage: summary.damage)
        }
        events.fold(into: &trace)
        trace.damage = summary.damage.map { FileDamage(path: path, damage: $0) }
        return trace
    }
}

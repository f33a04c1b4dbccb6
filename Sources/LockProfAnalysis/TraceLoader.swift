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

    /// Told how far reading has come: the file being read and the records read from it so far.
    /// Called every ``progressInterval`` records and once when a file is done.
    public typealias Progress = (_ path: String, _ records: Int) -> Void

    /// Records between two ``Progress`` calls.
    public static let progressInterval = 1 << 16

    /// Reads every file in `paths`. Throws for the first file that cannot be read at all; damage
    /// inside a file is kept in the traces and reported as notes. `progress`, when given, hears
    /// how far reading has come (the command-line tool shows it on a terminal).
    public static func load(paths: [String], progress: Progress? = nil) throws(AnalysisError) -> Loaded {
        guard !paths.isEmpty else { throw .noTraces }
        var traces: [ProcessTrace] = []
        var notes: [ReportNote] = []
        var seen: Set<String> = []
        for path in paths {
            guard seen.insert(path).inserted else {
                notes.append(.duplicateFile(path: path))
                continue
            }
            let processes = try loadProcesses(path: path, progress: progress)
            if processes.isEmpty { notes.append(.emptyTrace(path: path)) }
            traces += processes
        }
        return Loaded(processes: ProcessTrace.mergingSameProcesses(traces), notes: notes)
    }

    /// Reads one file into one trace per process it holds: one for a trace a program wrote,
    /// several for a trace `lockprof merge` wrote (each process's records follow its own
    /// `process` record). Empty when the file holds no chunk at all (and no damage).
    public static func loadProcesses(path: String, progress: Progress? = nil) throws(AnalysisError) -> [ProcessTrace] {
        try loadProcesses(path: path, progress: progress) { visit in try TraceReader.read(path: path, visit) }
    }

    /// Reads one file as one process; nil when it holds no chunk at all (and no damage).
    public static func load(path: String) throws(AnalysisError) -> ProcessTrace? {
        try loadProcesses(path: path).first
    }

    /// Reads a trace held in memory as if it were the file `path`: for fuzzing and tests that
    /// damage a trace many times over.
    public static func load(bytes: [UInt8], path: String = "<memory>") throws(AnalysisError) -> Loaded {
        let processes = try loadProcesses(path: path, progress: nil) { visit in
            try TraceReader.read(bytes: bytes, path: path, visit)
        }
        return Loaded(processes: processes, notes: processes.isEmpty ? [.emptyTrace(path: path)] : [])
    }

    /// Streams the file's records to `visit`; throws when it cannot be read at all or has no
    /// intact chunk although it has chunks.
    static func read(path: String, _ visit: (TraceRecord) -> Void) throws(AnalysisError) -> TraceReadSummary {
        try checked(path: path) { try TraceReader.read(path: path, visit) }
    }

    /// The processes of one trace, read by `read`: the contention and release events of each
    /// are summed by an ``EventAccumulator`` rather than kept.
    private static func loadProcesses(
        path: String, progress: Progress?,
        reading read: ((TraceRecord) throws -> Void) throws -> TraceReadSummary
    ) throws(AnalysisError) -> [ProcessTrace] {
        var traces = [ProcessTrace(files: [path])]
        var events = [EventAccumulator()]
        var records = 0
        defer { progress?(path, records) }
        let summary = try checked(path: path) {
            try read { record in
                records += 1
                if records % progressInterval == 0 { progress?(path, records) }
                switch record {
                case .contention(let contention): events[events.count - 1].add(contention)
                case .release(let release): events[events.count - 1].add(release)
                default:
                    if case .process(let process) = record, let current = traces[traces.count - 1].process,
                        current != process
                    {
                        traces.append(ProcessTrace(files: [path]))
                        events.append(EventAccumulator())
                    }
                    traces[traces.count - 1].add(record)
                }
            }
        }
        if summary.chunks == 0 { return [] }
        for index in traces.indices { events[index].fold(into: &traces[index]) }
        traces[0].damage = summary.damage.map { FileDamage(path: path, damage: $0) }
        return traces
    }

    /// Runs a reading of `path`, turning its errors into ``AnalysisError``s; a file whose chunks
    /// are all damaged is an error too.
    private static func checked(
        path: String, _ read: () throws -> TraceReadSummary
    ) throws(AnalysisError) -> TraceReadSummary {
        let summary: TraceReadSummary
        do {
            summary = try read()
        } catch let error as TraceError {
            throw .unreadableTrace(error)
        } catch let error as AnalysisError {
            throw error
        } catch {
            throw .unreadableTrace(.readFailed(path: path, reason: "\(error)"))
        }
        if summary.chunks == 0, !summary.damage.isEmpty { throw .noIntactChunks(path: path, damage: summary.damage) }
        return summary
    }
}

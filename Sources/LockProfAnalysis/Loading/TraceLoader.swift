import LockProfFormat

/// Reads trace files into per-process traces, streaming: each file is read once, record by
/// record, into a ``ProcessTrace`` (its events summed in arrays, not hashed), so memory
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
        /// One trace per process, the files of each process merged.
        public var processes: [ProcessTrace]
        /// Damage found while reading (a cut tail, a corrupt chunk): the report lists them.
        public var notes: [ReportNote]

        /// Traces and notes as a loader returns them.
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
        var processes = ProcessTrace.mergingSameProcesses(traces)
        for index in processes.indices {
            if let note = LateSymbolization.symbolize(&processes[index]) { notes.append(note) }
        }
        return Loaded(processes: processes, notes: notes)
    }

    /// Reads one file into one trace per process it holds: one for a trace a program wrote,
    /// several for a trace `lockprof merge` wrote (each process's records follow its own
    /// `process` record). Empty when the file holds no chunk at all (and no damage).
    public static func loadProcesses(path: String, progress: Progress? = nil) throws(AnalysisError) -> [ProcessTrace] {
        try loadProcesses(path: path, progress: progress) { events, records in
            try TraceReader.read(path: path, events: events, records: records)
        }
    }

    /// Reads one file as one process; nil when it holds no chunk at all (and no damage).
    public static func load(path: String) throws(AnalysisError) -> ProcessTrace? {
        try loadProcesses(path: path).first
    }

    /// Reads a trace held in memory as if it were the file `path`: for fuzzing and tests that
    /// damage a trace many times over.
    public static func load(bytes: [UInt8], path: String = "<memory>") throws(AnalysisError) -> Loaded {
        let processes = try loadProcesses(path: path, progress: nil) { events, records in
            try TraceReader.read(bytes: bytes, path: path, events: events, records: records)
        }
        return Loaded(processes: processes, notes: processes.isEmpty ? [.emptyTrace(path: path)] : [])
    }

    /// Streams the file's records to `visit`; throws when it cannot be read at all or has no
    /// intact chunk although it has chunks.
    static func read(path: String, _ visit: (TraceRecord) -> Void) throws(AnalysisError) -> TraceReadSummary {
        try checked(path: path) { try TraceReader.read(path: path, visit) }
    }

    /// A reading of one trace: its events in runs to the first closure, its other records to
    /// the second (``TraceReader/read(path:events:records:)``).
    typealias Reading = (
        _ events: (ArraySlice<TraceEvent>) throws -> Void, _ records: (TraceRecord) throws -> Void
    ) throws -> TraceReadSummary

    /// The processes of one trace, read by `read`: the contention and release events of each
    /// are summed by an ``EventAccumulator`` straight from the reader's runs of events, never
    /// kept and never made into ``TraceRecord``s. Lock names and sites are interned
    /// (``StringInterning``): one copy of each.
    private static func loadProcesses(
        path: String, progress: Progress?, reading read: Reading
    ) throws(AnalysisError) -> [ProcessTrace] {
        var traces = [ProcessTrace(files: [path])]
        var events = [EventAccumulator()]
        var interning = StringInterning()
        var records = 0
        var nextProgress = progressInterval
        defer { progress?(path, records) }
        /// Counts `count` more records, telling `progress` each time a multiple of the interval is reached.
        func count(_ count: Int) {
            records += count
            if records == nextProgress {
                progress?(path, records)
                nextProgress += progressInterval
            }
        }
        let summary = try checked(path: path) {
            try read(
                { run in
                    var rest = run
                    while !rest.isEmpty {
                        // Split at the next progress point so it is told exact multiples.
                        let part = rest.prefix(nextProgress - records)
                        events[events.count - 1].add(part)
                        rest = rest.dropFirst(part.count)
                        count(part.count)
                    }
                },
                { record in
                    count(1)
                    if case .process(let process) = record, let current = traces[traces.count - 1].process,
                        current != process
                    {
                        traces.append(ProcessTrace(files: [path]))
                        events.append(EventAccumulator())
                    }
                    if case .lock(let lock) = record {
                        traces[traces.count - 1].add(.lock(interning.interned(lock)))
                    } else {
                        traces[traces.count - 1].add(record)
                    }
                })
        }
        if summary.chunks == 0 { return [] }
        for index in traces.indices { events[index].fold(into: &traces[index]) }
        traces[0].damage = summary.damage.map { FileDamage(path: path, damage: $0) }
        return traces
    }

    /// Runs a reading of `path`, turning its errors into ``AnalysisError``s; a file whose chunks
    /// are all damaged is an error too.
    static func checked(
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

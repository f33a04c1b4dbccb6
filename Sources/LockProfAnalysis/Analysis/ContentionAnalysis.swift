import LockProfFormat

/// The analysis: per-process traces in, ``ContentionReport`` out. Pure; reading files is
/// ``TraceLoader``'s job.
///
/// ```swift
/// let loaded = try TraceLoader.load(paths: ["trace.bin"])
/// let report = ContentionAnalysis.report(processes: loaded.processes, notes: loaded.notes)
/// print(TextReportRenderer().render(report))
/// ```
public enum ContentionAnalysis {
    /// The default threshold: a lock is flagged when threads waited for it more than 10% of runtime.
    public static let defaultThreshold = 0.10

    /// Reads `paths` and analyses them: the one call the command-line tool makes. `progress`
    /// hears how far reading has come (``TraceLoader/Progress``). `listing` is
    /// ``report(processes:threshold:notes:listing:)``'s.
    public static func report(
        paths: [String], threshold: Double = defaultThreshold, progress: TraceLoader.Progress? = nil,
        listing maximumLocks: Int = .max
    ) throws(AnalysisError) -> ContentionReport {
        let loaded = try TraceLoader.load(paths: paths, progress: progress)
        return report(processes: loaded.processes, threshold: threshold, notes: loaded.notes, listing: maximumLocks)
    }

    /// The report of the records of one trace, in file order (for tests and in-memory traces).
    public static func report(records: [TraceRecord], path: String = "<memory>", threshold: Double = defaultThreshold) -> ContentionReport {
        var trace = ProcessTrace(files: [path])
        for record in records { trace.add(record) }
        return report(processes: [trace], threshold: threshold)
    }

    /// The report of `processes` (already merged: one per process), with `notes` from loading.
    ///
    /// With `listing`, the report lists only the first `maximumLocks` locks and every flagged one:
    /// the same locks as ``ContentionReport/limited(locks:stacks:)`` keeps, without building the
    /// reports of the others (a trace of a million locks would otherwise build a million). The
    /// verdict and the notes still count and name every lock.
    public static func report(
        processes: [ProcessTrace], threshold: Double = defaultThreshold, notes loadingNotes: [ReportNote] = [],
        listing maximumLocks: Int = .max
    ) -> ContentionReport {
        var threads: [ThreadReport] = []
        var processReports: [ProcessReport] = []
        var notes: [ReportNote] = []
        let runtimes = processes.map(ProcessRuntime.nanoseconds(of:))
        let ranked = RankedLocks(processes: processes, runtimes: runtimes, threshold: threshold)
        let locks = listedReports(of: ranked, processes: processes, runtimes: runtimes, threshold: threshold, listing: maximumLocks)

        for (trace, runtime) in zip(processes, runtimes) {
            for thread in trace.threads.values.sorted(by: { $0.threadID < $1.threadID }) {
                threads.append(
                    ThreadReport(
                        threadID: thread.threadID, systemThreadID: thread.systemThreadID, name: thread.name, process: trace.pid,
                        droppedEvents: trace.drops[thread.threadID] ?? 0))
            }
            let dropped = trace.drops.values.reduce(UInt64(0)) { $0.addingClamped($1) }
            processReports.append(
                ProcessReport(
                    pid: trace.pid, name: trace.process?.processName ?? "", files: trace.files,
                    startWallNanoseconds: trace.process?.startWallNanoseconds, runtimeNanoseconds: runtime,
                    isComplete: trace.endedNormally && trace.damage.isEmpty, droppedEvents: dropped))
            notes += fileNotes(of: trace, runtimeNanoseconds: runtime)
        }

        let multipleProcesses = processes.count > 1
        func displayNames(of locks: some Sequence<LockRanking>) -> [String] {
            locks.map { displayName(ranked.name(of: $0), process: $0.process, multipleProcesses: multipleProcesses) }
        }
        let droppedEvents = processReports.reduce(UInt64(0)) { $0.addingClamped($1.droppedEvents) }
        notes += loadingNotes
        if droppedEvents > 0 { notes.append(.droppedEvents(count: droppedEvents)) }
        let folded = processes.flatMap(\.foldedLocks.values)
        if !folded.isEmpty {
            notes.append(.foldedDeadLocks(locks: folded.reduce(0) { $0.addingClamped($1) }, entries: folded.count))
        }
        let fromEvents = displayNames(of: ranked.locks.lazy.filter { !$0.countersExact })
        if !fromEvents.isEmpty { notes.append(.countersFromEvents(locks: fromEvents)) }
        let sampled = displayNames(of: ranked.locks.lazy.filter(\.waitedWithSampledStacks))
        if !sampled.isEmpty { notes.append(.stacksSampled(locks: sampled)) }

        let (inversions, searchedAll) = LockOrderGraph(processes: processes).search()
        if !searchedAll { notes.append(.tooManyInversions(shown: inversions.count)) }

        var report = ContentionReport(
            runtimeNanoseconds: ProcessRuntime.spanNanoseconds(of: processes), threshold: threshold,
            droppedEvents: droppedEvents, threads: threads, locks: locks, processes: processReports,
            isComplete: processReports.allSatisfy(\.isComplete), notes: notes,
            verdict: Verdict(
                lockCount: ranked.locks.count, flaggedLocks: displayNames(of: ranked.locks.lazy.filter(\.isFlagged)),
                threshold: threshold))
        report.inversions = inversions
        report.deadlocks = processes.flatMap(DeadlockReport.deadlocks(in:))
        report.stalls = processes.flatMap(StallReport.stalls(in:))
        return report
    }

    /// The reports of the first `maximumLocks` of the ranked locks and of every flagged one, in
    /// report order; flagged ones diagnosed.
    static func listedReports(
        of ranked: RankedLocks, processes: [ProcessTrace], runtimes: [UInt64], threshold: Double, listing maximumLocks: Int
    ) -> [LockReport] {
        let symbolizers = processes.map(Symbolizer.init(trace:))
        var locks: [LockReport] = []
        for (position, ranking) in ranked.locks.enumerated() where position < maximumLocks || ranking.isFlagged {
            let trace = processes[Int(ranking.trace)]
            var lock = LockStatistics.report(
                lockID: ranking.lockID, in: trace, runtimeNanoseconds: runtimes[Int(ranking.trace)], threshold: threshold,
                symbolizer: symbolizers[Int(ranking.trace)])
            if lock.isFlagged { lock.diagnosis = Diagnoser.diagnose(DiagnosisFigures(lock: lock, threads: trace.threads.count)) }
            locks.append(lock)
        }
        return locks
    }

    /// The name a report uses for a lock: its own, with the pid when several processes are shown.
    public static func displayName(_ lock: LockReport, multipleProcesses: Bool) -> String {
        displayName(lock.name, process: lock.process, multipleProcesses: multipleProcesses)
    }

    /// ``displayName(_:multipleProcesses:)`` of a lock named `name` in process `process`.
    static func displayName(_ name: String, process: Int32, multipleProcesses: Bool) -> String {
        multipleProcesses ? "\(name) (pid \(process))" : name
    }

    /// What a process's files say about their completeness and damage.
    static func fileNotes(of trace: ProcessTrace, runtimeNanoseconds: UInt64) -> [ReportNote] {
        var notes: [ReportNote] = []
        if trace.process == nil, let path = trace.files.first { notes.append(.missingProcessRecord(path: path)) }
        var explained: Set<Int> = []
        for path in trace.filesWithoutEnd {
            let cut = trace.damage.firstIndex {
                if $0.path == path, case .truncated = $0.damage { return true } else { return false }
            }
            if let cut, case .truncated(let atByte, let lostBytes) = trace.damage[cut].damage {
                explained.insert(cut)
                notes.append(.incompleteTrace(path: path, cutAtByte: atByte, lostBytes: lostBytes, runtimeNanoseconds: runtimeNanoseconds))
            } else {
                notes.append(.incompleteTrace(path: path, cutAtByte: nil, lostBytes: 0, runtimeNanoseconds: runtimeNanoseconds))
            }
        }
        for (index, found) in trace.damage.enumerated() where !explained.contains(index) {
            notes.append(.damage(found.damage, path: found.path))
        }
        return notes
    }
}

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
    /// hears how far reading has come (``TraceLoader/Progress``).
    public static func report(
        paths: [String], threshold: Double = defaultThreshold, progress: TraceLoader.Progress? = nil
    ) throws(AnalysisError) -> ContentionReport {
        let loaded = try TraceLoader.load(paths: paths, progress: progress)
        return report(processes: loaded.processes, threshold: threshold, notes: loaded.notes)
    }

    /// The report of the records of one trace, in file order (for tests and in-memory traces).
    public static func report(records: [TraceRecord], path: String = "<memory>", threshold: Double = defaultThreshold) -> ContentionReport {
        var trace = ProcessTrace(files: [path])
        for record in records { trace.add(record) }
        return report(processes: [trace], threshold: threshold)
    }

    /// The report of `processes` (already merged: one per process), with `notes` from loading.
    public static func report(
        processes: [ProcessTrace], threshold: Double = defaultThreshold, notes loadingNotes: [ReportNote] = []
    ) -> ContentionReport {
        var locks: [LockReport] = []
        var threads: [ThreadReport] = []
        var processReports: [ProcessReport] = []
        var notes: [ReportNote] = []

        for trace in processes {
            let runtime = ProcessRuntime.nanoseconds(of: trace)
            let symbolizer = Symbolizer(trace: trace)
            let lockIDs = Set(trace.locks.keys).union(trace.statistics.keys).union(trace.events.keys)
            for lockID in lockIDs {
                var lock = LockStatistics.report(
                    lockID: lockID, in: trace, runtimeNanoseconds: runtime, threshold: threshold, symbolizer: symbolizer)
                if lock.isFlagged { lock.diagnosis = Diagnoser.diagnose(DiagnosisFigures(lock: lock, threads: trace.threads.count)) }
                locks.append(lock)
            }
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

        locks.sort(by: ranksBefore)
        let multipleProcesses = processes.count > 1
        let droppedEvents = processReports.reduce(UInt64(0)) { $0.addingClamped($1.droppedEvents) }
        notes += loadingNotes
        if droppedEvents > 0 { notes.append(.droppedEvents(count: droppedEvents)) }
        let folded = processes.flatMap(\.foldedLocks.values)
        if !folded.isEmpty {
            notes.append(.foldedDeadLocks(locks: folded.reduce(0) { $0.addingClamped($1) }, entries: folded.count))
        }
        let fromEvents = locks.filter { !$0.countersExact }
        if !fromEvents.isEmpty {
            notes.append(.countersFromEvents(locks: fromEvents.map { displayName($0, multipleProcesses: multipleProcesses) }))
        }
        let sampled = locks.filter { $0.stacksSampled && $0.waitNanoseconds > 0 }
        if !sampled.isEmpty {
            notes.append(.stacksSampled(locks: sampled.map { displayName($0, multipleProcesses: multipleProcesses) }))
        }

        let (inversions, searchedAll) = LockOrderGraph(processes: processes).search()
        if !searchedAll { notes.append(.tooManyInversions(shown: inversions.count)) }

        var report = ContentionReport(
            runtimeNanoseconds: ProcessRuntime.spanNanoseconds(of: processes), threshold: threshold,
            droppedEvents: droppedEvents, threads: threads, locks: locks, processes: processReports,
            isComplete: processReports.allSatisfy(\.isComplete), notes: notes,
            verdict: Verdict(
                lockCount: locks.count,
                flaggedLocks: locks.filter(\.isFlagged).map { displayName($0, multipleProcesses: multipleProcesses) },
                threshold: threshold))
        report.inversions = inversions
        report.deadlocks = processes.flatMap(DeadlockReport.deadlocks(in:))
        report.stalls = processes.flatMap(StallReport.stalls(in:))
        return report
    }

    /// The name a report uses for a lock: its own, with the pid when several processes are shown.
    public static func displayName(_ lock: LockReport, multipleProcesses: Bool) -> String {
        multipleProcesses ? "\(lock.name) (pid \(lock.process))" : lock.name
    }

    /// Most total wait first; ties broken by name, process and id so the order is stable.
    static func ranksBefore(_ a: LockReport, _ b: LockReport) -> Bool {
        if a.waitNanoseconds != b.waitNanoseconds { return a.waitNanoseconds > b.waitNanoseconds }
        if a.name != b.name { return a.name < b.name }
        if a.process != b.process { return a.process < b.process }
        return a.lockID < b.lockID
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

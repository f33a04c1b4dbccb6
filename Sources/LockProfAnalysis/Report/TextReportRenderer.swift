/// Renders a report for a terminal: a header line, an aligned table of locks (most wait first),
/// the holder and waiter stacks of each flagged lock, the notes, and the verdict as the last line.
///
/// ```
/// FLAG  LOCK              KIND   ACQUIRED     CONTENDED  TOTAL WAIT  WAIT %  MAX WAIT  P99 WAIT  MEAN HOLD
/// FLAG  demo.hot-counter  mutex   160000  114073 71.3%      2.87 s  190.2%   8.80 ms   4.19 ms    6.20 µs
/// ```
public struct TextReportRenderer: Sendable {
    /// Frames shown per stack.
    public var framesPerStack: Int

    /// A renderer showing `framesPerStack` frames of each stack.
    public init(framesPerStack: Int = 4) {
        self.framesPerStack = framesPerStack
    }

    /// The report's text, ending in a newline.
    public func render(_ report: ContentionReport) -> String {
        var lines: [String] = [header(of: report), ""]
        let multipleProcesses = report.processes.count > 1
        if !report.deadlocks.isEmpty {
            lines += deadlocks(report.deadlocks)
            lines.append("")
        }
        if !report.stalls.isEmpty {
            lines += stalls(report.stalls)
            lines.append("")
        }
        if report.locks.isEmpty {
            lines.append("No profiled lock was used.")
        } else {
            lines += table(of: report.locks, multipleProcesses: multipleProcesses)
        }
        let hidden = report.verdict.lockCount - report.locks.count
        if hidden > 0 {
            lines.append("(\(hidden) more lock\(hidden == 1 ? "" : "s") with less wait not shown; use --top N or --all to list more)")
        }
        let kindLines = report.locks.compactMap { kindLine(of: $0, multipleProcesses: multipleProcesses) }
        if !kindLines.isEmpty {
            lines.append("")
            lines += kindLines
        }
        for lock in report.flaggedLocks {
            lines.append("")
            lines += stacks(of: lock, multipleProcesses: multipleProcesses)
        }
        if !report.inversions.isEmpty {
            lines.append("")
            lines += inversions(report.inversions)
        }
        if !report.notes.isEmpty {
            lines.append("")
            lines += report.notes.map { "note: \($0)" }
        }
        lines.append("")
        lines.append(report.verdict.description)
        return lines.joined(separator: "\n") + "\n"
    }

    func header(of report: ContentionReport) -> String {
        let processes: String
        if report.processes.count == 1, let process = report.processes.first {
            processes = process.name.isEmpty ? "process \(process.pid)" : "\(process.name) (pid \(process.pid))"
        } else {
            processes = "\(report.processes.count) processes"
        }
        let complete = report.isComplete ? "" : " (incomplete)"
        return "lockprof report: \(processes), runtime \(ReportFormatting.duration(nanoseconds: report.runtimeNanoseconds))\(complete), "
            + "\(report.verdict.lockCount) lock\(report.verdict.lockCount == 1 ? "" : "s"), "
            + "threshold \(ReportFormatting.percent(report.threshold)) of runtime"
    }

    func table(of locks: [LockReport], multipleProcesses: Bool) -> [String] {
        var columns: [(title: String, leftAligned: Bool, cells: [String])] = [
            ("FLAG", true, locks.map { $0.isFlagged ? "FLAG" : "" }),
            ("LOCK", true, locks.map(\.name)),
        ]
        if multipleProcesses { columns.append(("PID", false, locks.map { String($0.process) })) }
        columns += [
            ("KIND", true, locks.map(\.kind.description)),
            ("ACQUIRED", false, locks.map { $0.acquisitions.map(String.init) ?? "?" }),
            ("CONTENDED", false, locks.map { lock in
                lock.contendedFraction.map { "\(lock.contendedAcquisitions) \(ReportFormatting.percentNonZero($0))" }
                    ?? "\(lock.contendedAcquisitions) ?"
            }),
            ("TOTAL WAIT", false, locks.map { ReportFormatting.duration(nanoseconds: $0.waitNanoseconds) }),
            ("WAIT %", false, locks.map { ReportFormatting.percentColumn($0.waitFraction) }),
            ("MAX WAIT", false, locks.map { duration($0.waitNanoseconds > 0 ? $0.maximumWaitNanoseconds : nil) }),
            ("P99 WAIT", false, locks.map { duration($0.waitP99Nanoseconds) }),
            ("MEAN HOLD", false, locks.map { duration($0.estimatedMeanHoldNanoseconds) }),
        ]
        return TextTable(columns: columns.map { TextTable.Column(title: $0.title, leftAligned: $0.leftAligned, cells: $0.cells) }).lines()
    }

    func stacks(of lock: LockReport, multipleProcesses: Bool) -> [String] {
        var lines = [
            "\(ContentionAnalysis.displayName(lock, multipleProcesses: multipleProcesses)): threads waited "
                + "\(ReportFormatting.duration(nanoseconds: lock.waitNanoseconds)) in all, "
                + "\(ReportFormatting.percent(lock.waitFraction)) of runtime"
                + (lock.stacksSampled ? " (stacks sampled, weights scaled)" : "")
        ]
        if let pool = poolLine(of: lock) { lines.append(pool) }
        if let diagnosis = lock.diagnosis { lines += diagnosisLines(diagnosis) }
        lines.append("  holder stacks (holding the lock while others waited), by share of the wait:")
        lines += stackLines(lock.holderStacks, holder: true)
        lines.append("  waiter stacks (waiting for the lock), by share of the wait:")
        lines += stackLines(lock.waiterStacks, holder: false)
        return lines
    }

    /// `  blocked the Swift concurrency pool for 52.3 ms (4 waits in tasks)`; nil when no task waited.
    func poolLine(of lock: LockReport) -> String? {
        poolText(of: lock).map { "  " + $0 }
    }

    /// ``poolLine(of:)`` without its indent (the HTML page's words too).
    func poolText(of lock: LockReport) -> String? {
        guard lock.poolBlockedWaits > 0 else { return nil }
        return "blocked the Swift concurrency pool for \(ReportFormatting.duration(nanoseconds: lock.poolBlockedNanoseconds)) "
            + "(\(lock.poolBlockedWaits) wait\(lock.poolBlockedWaits == 1 ? "" : "s") in tasks)"
    }

    /// The pattern, the advice and the evidence of a flagged lock.
    func diagnosisLines(_ diagnosis: LockDiagnosis) -> [String] {
        var lines = [
            "  diagnosis: \(diagnosis.pattern.rawValue): \(diagnosis.advice)",
            "    evidence: " + diagnosis.evidence.joined(separator: "; "),
        ]
        if let frame = diagnosis.holderFrame { lines.append("    held in: \(frame)") }
        return lines
    }

    /// What only some kinds have, one line per lock: re-entries, the two sides of a reader-writer
    /// lock, a condition's sleeps. Nil for kinds without any.
    func kindLine(of lock: LockReport, multipleProcesses: Bool) -> String? {
        let name = "\(ContentionAnalysis.displayName(lock, multipleProcesses: multipleProcesses)) (\(lock.kind))"
        func side(_ side: LockSideReport, waitingFor: String) -> String {
            "\(side.acquisitions.map(String.init) ?? "?") acquired, \(side.contendedAcquisitions) waited "
                + "\(ReportFormatting.duration(nanoseconds: side.waitNanoseconds)) \(waitingFor)"
        }
        if let reentries = lock.reentries {
            return "\(name): \(reentries) re-entr\(reentries == 1 ? "y" : "ies") by the holder (not contention)"
        }
        if let readers = lock.readers, let writers = lock.writers {
            return "\(name): readers \(side(readers, waitingFor: "(for writers)")); "
                + "writers \(side(writers, waitingFor: "(for readers or writers)"))"
        }
        if let asleep = lock.conditionWaitNanoseconds {
            return "\(name): \(lock.acquisitions.map(String.init) ?? "?") waits, "
                + "\(ReportFormatting.duration(nanoseconds: asleep)) asleep in wait() (not contention), "
                + ReportFormatting.count(lock.signals ?? 0, "signal") + ", " + ReportFormatting.count(lock.broadcasts ?? 0, "broadcast")
        }
        return nil
    }

    /// Each cycle of the lock-order graph with the stack of each of its acquisitions.
    func inversions(_ inversions: [LockOrderInversion]) -> [String] {
        let count = inversions.count
        var lines = ["\(count) lock-order inversion\(count == 1 ? "" : "s") (locks taken in opposite orders can deadlock):"]
        for inversion in inversions {
            lines.append("  \(inversion.description)")
            for edge in inversion.edges {
                lines.append("    \(edge.acquired) taken while holding \(edge.held) (pid \(edge.process), thread \(edge.threadID)):")
                lines += waitStackLines(edge.stack)
            }
        }
        return lines
    }

    /// Each stalled wait the runtime saw, after the deadlocks: the thread, the lock, where it waited.
    func stalls(_ stalls: [StallReport]) -> [String] {
        var lines = [stallsHeading(count: stalls.count)]
        for stall in stalls {
            lines.append("  " + stallLine(stall))
            lines += waitStackLines(stall.stack)
        }
        return lines
    }

    /// `STALLED: N waits stuck past the stall limit …:` (the HTML page's words too).
    func stallsHeading(count: Int) -> String {
        "STALLED: \(count) wait\(count == 1 ? "" : "s") stuck past the stall limit while the program ran (in no deadlock cycle):"
    }

    /// `thread T 'name' (pid P) holding a, waited for b (10.1 s when seen), at:`, unindented.
    func stallLine(_ stall: StallReport) -> String {
        let name = stall.name.isEmpty ? "" : " '\(stall.name)'"
        let holds = stall.holds.isEmpty ? "" : " holding \(stall.holds.joined(separator: ", ")),"
        return "thread \(stall.threadID)\(name) (pid \(stall.process))\(holds) waited for \(stall.waitsFor) "
            + "(\(ReportFormatting.duration(nanoseconds: stall.waitNanoseconds)) when seen), at:"
    }

    /// Each deadlock the runtime saw, first in the report: its threads, what each holds and waits
    /// for, and where it waits.
    func deadlocks(_ deadlocks: [DeadlockReport]) -> [String] {
        var lines = [deadlocksHeading(count: deadlocks.count)]
        for deadlock in deadlocks {
            lines.append("  " + cycleLine(deadlock))
            for thread in deadlock.threads {
                lines.append("    " + deadlockThreadLine(thread))
                lines += waitStackLines(thread.stack)
            }
        }
        return lines
    }

    /// `DEADLOCK: N deadlocks seen while the program ran …:` (the HTML page's words too).
    func deadlocksHeading(count: Int) -> String {
        "DEADLOCK: \(count) deadlock\(count == 1 ? "" : "s") seen while the program ran (threads waiting for each other, forever):"
    }

    /// `a → b → a (pid P)`: the cycle's locks in wait order, back to the first, unindented.
    func cycleLine(_ deadlock: DeadlockReport) -> String {
        "\((deadlock.locks + deadlock.locks.prefix(1)).joined(separator: " → ")) (pid \(deadlock.process))"
    }

    /// `thread T 'name' holds a, waits for b (1.00 s when seen), at:`, unindented.
    func deadlockThreadLine(_ thread: DeadlockReport.Thread) -> String {
        let name = thread.name.isEmpty ? "" : " '\(thread.name)'"
        return "thread \(thread.threadID)\(name) holds \(thread.holds.joined(separator: ", ")), waits for \(thread.waitsFor) "
            + "(\(ReportFormatting.duration(nanoseconds: thread.waitNanoseconds)) when seen), at:"
    }

    /// One stack of an inversion, a deadlock or a stall: its first frames, `…` when there are
    /// more, `(stack not captured)` when it has none.
    func waitStackLines(_ stack: [FrameReport]) -> [String] {
        let shown = stack.prefix(framesPerStack)
        var lines = shown.map { "        \($0.shortDescription)" }
        if stack.count > shown.count { lines.append("        …") }
        if stack.isEmpty { lines.append("        (stack not captured)") }
        return lines
    }

    func stackLines(_ stacks: [StackReport], holder: Bool) -> [String] {
        guard !stacks.isEmpty else { return ["    (no stack was captured)"] }
        var lines: [String] = []
        for stack in stacks {
            var summary = "    \(ReportFormatting.percentColumn(stack.share))  "
                + "\(ReportFormatting.duration(nanoseconds: stack.weightNanoseconds))  "
                + "\(stack.count) wait\(stack.count == 1 ? "" : "s")"
            if holder, let releases = stack.releases, let hold = stack.meanHoldNanoseconds {
                summary += ", mean hold \(ReportFormatting.duration(nanoseconds: hold)) over \(releases) release\(releases == 1 ? "" : "s")"
            }
            lines.append(summary)
            let shown = stack.frames.prefix(framesPerStack)
            lines += shown.map { "        \($0.shortDescription)" }
            if stack.frames.count > shown.count { lines.append("        …") }
            if stack.frames.isEmpty { lines.append("        (frames unknown)") }
        }
        return lines
    }

    private func duration(_ nanoseconds: UInt64?) -> String {
        nanoseconds.map { ReportFormatting.duration(nanoseconds: $0) } ?? "-"
    }
}

/// Renders a report as one self-contained HTML page: summary and verdict, the deadlocks, the stalled waits, the
/// sortable lock table (flagged locks first), per flagged lock its pool-blocked time, its wait
/// histogram and its holder and waiter stacks as icicle graphs, a per-thread timeline of the
/// busiest locks, the lock-order inversions as small graphs, and the notes. Inline CSS, a few lines of inline script and SVG:
/// no network resource, so the file opens anywhere from `file://` and prints.
///
/// Every string that came from a trace is escaped (``MarkupEscaping``) and the page's content
/// security policy forbids any script but its own.
///
/// ```swift
/// let report = try ContentionAnalysis.report(paths: ["trace.bin"])
/// let timeline = try ThreadTimeline.read(paths: ["trace.bin"], report: report)
/// let page = HTMLReportRenderer().render(report, timeline: timeline)
/// ```
public struct HTMLReportRenderer: Sendable {
    /// Frames listed per stack in the inversions' edge lists (the icicles show every frame).
    public var framesPerStack: Int

    public init(framesPerStack: Int = 8) {
        self.framesPerStack = framesPerStack
    }

    /// The page, ending in a newline. `timeline` is drawn when given (it needs the trace's
    /// events, which the report does not keep).
    public func render(_ report: ContentionReport, timeline: ThreadTimeline? = nil) -> String {
        let multipleProcesses = report.processes.count > 1
        let locks = HTMLLockTable.ordered(report.locks)
        var anchors: [Int: String] = [:]
        for (index, lock) in locks.enumerated() where lock.isFlagged { anchors[index] = MarkupEscaping.anchor("lock", index, lock.name) }

        var body: [String] = [summary(of: report, flagged: locks.indices.compactMap { index in anchors[index].map { (locks[index], $0) } })]
        if !report.deadlocks.isEmpty { body.append(deadlockSection(report.deadlocks)) }
        if !report.stalls.isEmpty { body.append(stallSection(report.stalls)) }
        body.append("<section id=\"locks\"><h2>Locks</h2>")
        if locks.isEmpty {
            body.append("<p>No profiled lock was used.</p>")
        } else {
            body.append(HTMLLockTable(locks: locks, multipleProcesses: multipleProcesses, anchors: anchors).html())
        }
        let hidden = report.verdict.lockCount - report.locks.count
        if hidden > 0 { body.append("<p class=\"muted\">\(hidden) more lock\(hidden == 1 ? "" : "s") with less wait not shown (use --top N or --all to list more).</p>") }
        let kindLines = locks.compactMap { TextReportRenderer().kindLine(of: $0, multipleProcesses: multipleProcesses) }
        if !kindLines.isEmpty { body.append("<ul class=\"kinds\">" + kindLines.map { "<li>\(MarkupEscaping.text($0))</li>" }.joined() + "</ul>") }
        body.append("</section>")
        for (index, lock) in locks.enumerated() where lock.isFlagged {
            body.append(lockSection(lock, anchor: anchors[index]!, multipleProcesses: multipleProcesses, drawStacks: index < Self.maximumLocksWithStacks))
        }
        if let timeline { body.append(timelineSection(timeline)) }
        if !report.inversions.isEmpty { body.append(inversionSection(report.inversions)) }
        if !report.notes.isEmpty {
            body.append(
                "<section id=\"notes\"><h2>Notes</h2><ul>" + report.notes.map { "<li>\(MarkupEscaping.text($0.description))</li>" }.joined()
                    + "</ul></section>")
        }
        body.append("<footer>Written by lockprof. Hover over a box, bar or slice for its figures; click a column heading to sort.</footer>")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(HTMLPageStyle.contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(MarkupEscaping.text(title(of: report)))</title>
            <style>\(HTMLPageStyle.css)</style></head>
            <body>
            \(body.joined(separator: "\n"))
            <script>\(HTMLPageStyle.script)</script>
            </body></html>

            """
    }

    func title(of report: ContentionReport) -> String {
        let names = report.processes.map { $0.name.isEmpty ? "pid \($0.pid)" : $0.name }
        return "lockprof report: " + (names.count == 1 ? names[0] : "\(names.count) processes")
    }

    /// Header, verdict, the summary figures and the table of contents.
    func summary(of report: ContentionReport, flagged: [(lock: LockReport, anchor: String)]) -> String {
        let header = TextReportRenderer().header(of: report).replacingFirst("lockprof report: ", with: "")
        var figures: [(String, String)] = [
            ("runtime", ReportFormatting.duration(nanoseconds: report.runtimeNanoseconds)),
            ("locks", String(report.verdict.lockCount)),
            ("flagged", String(report.verdict.flaggedLocks.count)),
            ("threshold", ReportFormatting.percent(report.threshold) + " of runtime"),
            ("threads", String(report.threads.count)),
            ("dropped events", String(report.droppedEvents)),
            ("trace", report.isComplete ? "complete" : "incomplete (see notes)"),
        ]
        if !report.deadlocks.isEmpty { figures.append(("deadlocks", String(report.deadlocks.count))) }
        if !report.stalls.isEmpty { figures.append(("stalled waits", String(report.stalls.count))) }
        if !report.inversions.isEmpty { figures.append(("lock-order inversions", String(report.inversions.count))) }
        var links = report.deadlocks.isEmpty ? [] : ["<a href=\"#deadlocks\">Deadlocks</a>"]
        if !report.stalls.isEmpty { links.append("<a href=\"#stalls\">Stalls</a>") }
        links.append("<a href=\"#locks\">Locks</a>")
        links += flagged.map { "<a href=\"#\($0.anchor)\">\(MarkupEscaping.text($0.lock.name))</a>" }
        links += ["<a href=\"#timeline\">Timeline</a>"]
        if !report.inversions.isEmpty { links.append("<a href=\"#inversions\">Inversions</a>") }
        if !report.notes.isEmpty { links.append("<a href=\"#notes\">Notes</a>") }
        return "<header id=\"summary\"><h1>lockprof report</h1><p class=\"meta\">\(MarkupEscaping.text(header))</p>\n"
            + "<p class=\"verdict\(report.verdict.hasFlaggedLocks ? " flagged" : "")\" id=\"verdict\">\(MarkupEscaping.text(report.verdict.description))</p>\n"
            + "<dl class=\"summary\">" + figures.map { "<div><dt>\($0.0)</dt><dd>\(MarkupEscaping.text($0.1))</dd></div>" }.joined() + "</dl>\n"
            + "<nav>" + links.joined(separator: " ") + "</nav></header>"
    }

    /// A flagged lock: how much it made threads wait, its wait histogram, its two icicles (only
    /// when `drawStacks`). (A diagnosis of the lock's pattern, when the analysis gives one, goes
    /// under the heading.)
    func lockSection(_ lock: LockReport, anchor: String, multipleProcesses: Bool, drawStacks: Bool) -> String {
        let name = ContentionAnalysis.displayName(lock, multipleProcesses: multipleProcesses)
        var parts = [
            "<section class=\"lock\" id=\"\(anchor)\" data-lock=\"\(MarkupEscaping.text(lock.name))\">",
            "<h2><span class=\"badge\">FLAG</span> \(MarkupEscaping.text(name)) <span class=\"muted\">\(MarkupEscaping.text(lock.kind.description))</span></h2>",
            "<p>Threads waited \(ReportFormatting.duration(nanoseconds: lock.waitNanoseconds)) in all, "
                + "\(ReportFormatting.percent(lock.waitFraction)) of runtime, over \(ReportFormatting.count(lock.contendedAcquisitions, "contended acquisition"))"
                + (lock.site.isEmpty ? "" : "; created at <code>\(MarkupEscaping.text(lock.site))</code>")
                + (lock.stacksSampled ? " (stacks sampled, weights scaled)" : "") + ".</p>",
        ]
        if let pool = TextReportRenderer().poolText(of: lock) {
            parts.append("<p class=\"pool\">\(MarkupEscaping.text(name)) \(MarkupEscaping.text(pool)).</p>")
        }
        if let diagnosis = lock.diagnosis {
            parts.append(
                "<p class=\"diagnosis\"><strong>\(MarkupEscaping.text(diagnosis.pattern.rawValue))</strong>: "
                    + "\(MarkupEscaping.text(diagnosis.advice))<br><span class=\"muted\">evidence: "
                    + "\(MarkupEscaping.text(diagnosis.evidence.joined(separator: "; ")))</span></p>")
        }
        parts.append("<h3>Wait histogram</h3>")
        parts.append(WaitHistogramChart(lock: lock).svg(lockName: name) ?? "<p class=\"muted\">No wait was counted.</p>")
        guard drawStacks else {
            parts.append(
                "<p class=\"muted\">Stacks not drawn: the page draws those of the \(Self.maximumLocksWithStacks) flagged locks with most wait "
                    + "(<code>lockprof report --format text</code> lists them all).</p></section>")
            return parts.joined(separator: "\n")
        }
        for (side, stacks, explanation) in [
            ("holder", lock.holderStacks, "holding the lock while others waited"), ("waiter", lock.waiterStacks, "waiting for the lock"),
        ] {
            parts.append("<h3>\(side.prefix(1).uppercased() + side.dropFirst()) stacks <span class=\"muted\">(\(explanation); width = share of the wait)</span></h3>")
            let graph = IcicleGraph(stacks: stacks, totalWaitNanoseconds: lock.waitNanoseconds)
            parts.append(graph.isEmpty ? "<p class=\"muted\">No stack was captured.</p>" : graph.svg(label: "\(side) stacks of \(name)", side: side))
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    /// The deadlocks, first after the summary (the text report's DEADLOCK lines): per cycle its
    /// locks in wait order, then per thread what it holds, what it waits for, and where it waits.
    func deadlockSection(_ deadlocks: [DeadlockReport]) -> String {
        let text = TextReportRenderer()
        var parts = [
            "<section id=\"deadlocks\"><h2>Deadlocks</h2>",
            "<p class=\"verdict flagged\">\(MarkupEscaping.text(text.deadlocksHeading(count: deadlocks.count)))</p>",
        ]
        for deadlock in deadlocks {
            parts.append("<h3>\(MarkupEscaping.text(text.cycleLine(deadlock)))</h3>")
            for thread in deadlock.threads {
                parts.append("<p>\(MarkupEscaping.text(text.deadlockThreadLine(thread)))</p>")
                parts.append(frameList(thread.stack))
            }
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    /// The stalled waits, after the deadlocks (the text report's STALLED lines): per wait the
    /// thread, the lock it waited for, what it held, and where it waited.
    func stallSection(_ stalls: [StallReport]) -> String {
        let text = TextReportRenderer()
        var parts = [
            "<section id=\"stalls\"><h2>Stalled waits</h2>",
            "<p class=\"verdict flagged\">\(MarkupEscaping.text(text.stallsHeading(count: stalls.count)))</p>",
        ]
        for stall in stalls {
            parts.append("<p>\(MarkupEscaping.text(text.stallLine(stall)))</p>")
            parts.append(frameList(stall.stack))
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    /// A deadlocked or stalled thread's wait stack: its first `framesPerStack` frames as a list.
    func frameList(_ stack: [FrameReport]) -> String {
        let frames = stack.prefix(framesPerStack).map { "<li>\(MarkupEscaping.text($0.shortDescription))</li>" }
        return frames.isEmpty ? "<p class=\"muted\">(stack not captured)</p>" : "<ul class=\"frames\">\(frames.joined())</ul>"
    }

    func timelineSection(_ timeline: ThreadTimeline) -> String {
        var parts = [
            "<section id=\"timeline\"><h2>Timeline</h2>",
            "<p class=\"muted\">Per thread, the upper lane is time holding a lock while others waited, the lower lane time waiting; "
                + "bar height is the share of each slice of \(ReportFormatting.duration(nanoseconds: UInt64(timeline.binNanoseconds))).</p>",
        ]
        guard !timeline.locks.isEmpty else {
            parts.append("<p>No lock made a thread wait.</p></section>")
            return parts.joined(separator: "\n")
        }
        parts.append(
            "<p class=\"legend\">" + timeline.locks.enumerated().map { "<span><i class=\"l\($0.offset)\"></i>\(MarkupEscaping.text($0.element.name))</span>" }.joined()
                + "</p>")
        let chart = TimelineChart(timeline: timeline)
        let shown = chart.shownRows.count
        let active = timeline.rows.indices.filter { timeline.activity(row: $0) > 0 }.count
        parts.append(chart.svg())
        if active > shown { parts.append("<p class=\"muted\">\(active - shown) less busy threads not shown.</p>") }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    func inversionSection(_ inversions: [LockOrderInversion]) -> String {
        let count = inversions.count
        var parts = [
            "<section id=\"inversions\"><h2>Lock-order inversions</h2>",
            "<p>\(count) lock-order inversion\(count == 1 ? "" : "s"): locks taken in opposite orders can deadlock, whether or not this run did.</p>",
        ]
        for inversion in inversions.prefix(Self.maximumInversionGraphs) {
            parts.append("<div class=\"inversion\"><h3>\(MarkupEscaping.text(inversion.description))</h3>")
            parts.append(InversionGraph(inversion: inversion).svg())
            for edge in inversion.edges {
                parts.append(
                    "<p><b>\(MarkupEscaping.text(edge.acquired))</b> taken while holding <b>\(MarkupEscaping.text(edge.held))</b> "
                        + "<span class=\"muted\">(pid \(edge.process), thread \(edge.threadID))</span></p>")
                let frames = edge.stack.prefix(framesPerStack).map { "<li>\(MarkupEscaping.text($0.shortDescription))</li>" }
                parts.append(frames.isEmpty ? "<p class=\"muted\">(stack not captured)</p>" : "<ul class=\"frames\">\(frames.joined())</ul>")
            }
            parts.append("</div>")
        }
        if count > Self.maximumInversionGraphs { parts.append("<p class=\"muted\">\(count - Self.maximumInversionGraphs) more not drawn.</p>") }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    /// Flagged locks whose icicle graphs are drawn, most wait first: a trace where every lock is
    /// flagged still gives a page of a few megabytes. The others get their figures and histogram.
    static let maximumLocksWithStacks = 16

    /// Inversions drawn at most; the rest are counted.
    static let maximumInversionGraphs = 20
}

extension String {
    /// The string with its first occurrence of `target` replaced.
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

import Foundation
import LockProfFormat
import Testing

@testable import LockProfAnalysis

/// A run whose every string is hostile markup: lock, thread and process names, functions and
/// files of frames. None of it may become an element of the page.
let hostile = "</title><script>alert(1)</script><img src=x onerror=\"alert(2)\">'"
let hostileRun: [TraceRecord] = [
    .process(ProcessRecord(pid: 7, processName: hostile, startWallNanoseconds: startWall, startNanoseconds: start, clockSource: "tsc")),
    .thread(ThreadRecord(threadID: 1, systemThreadID: 71, name: "<svg onload=alert(3)>")),
    .thread(ThreadRecord(threadID: 2, systemThreadID: 72, name: "holder")),
    .lock(LockRecord(lockID: 1, kind: .mutex, name: hostile, site: "<b>site</b>")),
    .lock(LockRecord(lockID: 2, kind: .mutex, name: "b\"><script>alert(4)</script>", site: "")),
    bankModule,
    symbol(0x10, "\"><svg onload=alert(5)>", file: "/src/<i>File</i>.swift", line: 3),
    symbol(0x20, "main"),
    stack(1, [0x10, 0x20]),
    counters(1, acquisitions: 10, contended: 2, wait: 60 * millisecond, maximumWait: 40 * millisecond, histogram: Array(repeating: 0, count: 25) + [2]),
    contention(lock: 1, wait: 40 * millisecond, at: start + 50 * millisecond, waiter: 1, holder: 1, thread: 1),
    contention(lock: 1, wait: 20 * millisecond, at: start + 80 * millisecond, waiter: 1, holder: 1, thread: 1),
    release(lock: 1, hold: 40 * millisecond, holder: 1, at: start + 50 * millisecond),
    .lockOrder(LockOrderRecord(heldLockID: 1, acquiredLockID: 2, threadID: 1, stackID: 1)),
    .lockOrder(LockOrderRecord(heldLockID: 2, acquiredLockID: 1, threadID: 2, stackID: 1)),
    end(after: 100 * millisecond),
]

@Suite struct HTMLReportRendererTests {
    /// The page of `records`, written to a trace file and read back as `lockprof report` does.
    func page(of records: [TraceRecord]) throws -> (page: String, report: ContentionReport) {
        let path = try writeTrace([records])
        let report = try ContentionAnalysis.report(paths: [path])
        let timeline = try ThreadTimeline.read(paths: [path], report: report)
        return (HTMLReportRenderer().render(report, timeline: timeline), report)
    }

    @Test func hostileNamesStayText() throws {
        let (page, report) = try page(of: hostileRun)
        #expect(report.flaggedLocks.map(\.name) == [hostile])
        #expect(report.inversions.count == 1)
        // The page's own script is the only one; no name became an element.
        #expect(page.components(separatedBy: "<script").count == 2)
        #expect(!page.contains("<img"))
        #expect(!page.contains("<svg onload"))
        #expect(!page.contains("<b>site"))
        #expect(!page.contains("<i>File"))
        #expect(!page.contains("</title><script>"))
        // But every name is there, escaped, in the table, the stacks, the timeline and the graph.
        let escaped = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39;"
        #expect(page.contains("<td class=\"name\" data-v=\"\(escaped)\">"))
        #expect(page.contains("&quot;&gt;&lt;svg onload=alert(5)&gt; (i&gt;.swift:3)"))
        #expect(page.contains("/src/&lt;i&gt;File&lt;/i&gt;.swift:3"))
        #expect(page.contains("data-lock=\"\(escaped)\" d=\"M"))
        #expect(page.contains("&lt;svg onload=alert(3)&gt; (71)"))
        #expect(page.contains("b&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"))
    }

    @Test func escapingReplacesMarkupAndControlCharacters() {
        #expect(MarkupEscaping.text("a<b>&\"c'\u{1}\u{7F}\td\n") == "a&lt;b&gt;&amp;&quot;c&#39;  \td\n")
        #expect(MarkupEscaping.text("µs → ✓") == "µs → ✓")
        #expect(MarkupEscaping.anchor("lock", 3, "Demo.Hot <x>") == "lock-3-demo-hot--x-")
    }

    @Test func pageHasNoNetworkResource() throws {
        let (page, _) = try page(of: hostileRun)
        for reference in ["http://", "https://", "src=\"", "<link", "@import", "url(http"] {
            #expect(!page.contains(reference), "the page refers to \(reference)")
        }
        #expect(page.contains("default-src 'none'"))
    }

    @Test func flaggedLocksComeFirstAndAreMarked() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "quiet"), lockRecord(2, "hot"),
            counters(1, acquisitions: 10, contended: 1, wait: 90 * millisecond, histogram: [0, 1]),
            counters(2, acquisitions: 10, contended: 1, wait: 20 * millisecond, histogram: [0, 1]),
            end(after: second),
        ]
        var report = ContentionAnalysis.report(records: records, threshold: 0.05)
        // Flag the lock with less wait only (as a lock of another process with a shorter runtime can be).
        report.locks[0].isFlagged = false
        report.locks[1].isFlagged = true
        let page = HTMLReportRenderer().render(report)
        let rows = page.components(separatedBy: "<tr class=").dropFirst().map { $0.prefix(60) }
        #expect(rows.count == 2)
        #expect(rows[0].hasPrefix("\"flagged\" data-lock=\"hot\""))
        #expect(rows[1].hasPrefix("\"\" data-lock=\"quiet\""))
        #expect(page.contains("<section class=\"lock\" id=\"lock-0-hot\" data-lock=\"hot\">"))
        #expect(!page.contains("data-lock=\"quiet\">\n<h2>"))
    }

    @Test func stallsAndPoolBlockedWaitsAreShown() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "hot"),
            counters(1, acquisitions: 10, contended: 4, wait: 90 * millisecond, histogram: [0, 4]),
            end(after: second),
        ]
        var report = ContentionAnalysis.report(records: records, threshold: 0.05)
        try #require(report.flaggedLocks.count == 1)
        report.locks[0].poolBlockedWaits = 3
        report.locks[0].poolBlockedNanoseconds = 52_300_000
        report.stalls = [
            StallReport(
                process: 4242, threadID: 2, name: "<w>", waitsFor: "db<lock>", holds: ["cache"], waitNanoseconds: 10_100_000_000,
                stack: [FrameReport(function: "Store.save()", file: "/src/Store.swift", line: 12)])
        ]
        let page = HTMLReportRenderer().render(report)
        #expect(page.contains("STALLED: 1 wait stuck past the stall limit while the program ran (in no deadlock cycle):"))
        #expect(page.contains("<p>thread 2 &#39;&lt;w&gt;&#39; (pid 4242) holding cache, waited for db&lt;lock&gt; (10.1 s when seen), at:</p>"))
        #expect(page.contains("<ul class=\"frames\"><li>save() (Store.swift:12)</li></ul>"))
        #expect(page.contains("<dt>stalled waits</dt><dd>1</dd>"))
        // Near the top: before the lock table.
        let stalls = try #require(page.range(of: "<section id=\"stalls\">"))
        let locks = try #require(page.range(of: "<section id=\"locks\">"))
        #expect(stalls.lowerBound < locks.lowerBound)
        #expect(page.contains("<p class=\"pool\">hot blocked the Swift concurrency pool for 52.3 ms (3 waits in tasks).</p>"))
        // Neither appears when there is none.
        report.stalls = []
        report.locks[0].poolBlockedWaits = 0
        let plain = HTMLReportRenderer().render(report)
        #expect(!plain.contains("STALLED") && !plain.contains("Swift concurrency pool") && !plain.contains("#stalls"))
    }

    @Test func deadlocksComeFirstWithEachThreadsLocksAndStack() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "hot"),
            counters(1, acquisitions: 10, contended: 4, wait: 90 * millisecond, histogram: [0, 4]),
            end(after: second),
        ]
        var report = ContentionAnalysis.report(records: records, threshold: 0.05)
        let frame = FrameReport(function: "Bank.transfer()", file: "/src/Bank.swift", line: 7)
        report.deadlocks = [
            DeadlockReport(
                process: 4242, locks: ["a<1>", "b"],
                threads: [
                    .init(threadID: 2, name: "t&1", holds: ["b"], waitsFor: "a<1>", waitNanoseconds: 1_200_000_000, stack: [frame]),
                    .init(threadID: 3, name: "", holds: ["a<1>"], waitsFor: "b", waitNanoseconds: 1_100_000_000, stack: []),
                ])
        ]
        report.stalls = [
            StallReport(process: 4242, threadID: 4, name: "", waitsFor: "c", holds: [], waitNanoseconds: 10_000_000_000, stack: [])
        ]
        let page = HTMLReportRenderer().render(report)
        #expect(page.contains("DEADLOCK: 1 deadlock seen while the program ran (threads waiting for each other, forever):"))
        #expect(page.contains("<h3>a&lt;1&gt; → b → a&lt;1&gt; (pid 4242)</h3>"))
        #expect(page.contains("<p>thread 2 &#39;t&amp;1&#39; holds b, waits for a&lt;1&gt; (1.20 s when seen), at:</p>"))
        #expect(page.contains("<ul class=\"frames\"><li>transfer() (Bank.swift:7)</li></ul>"))
        #expect(page.contains("<p>thread 3 holds a&lt;1&gt;, waits for b (1.10 s when seen), at:</p>\n<p class=\"muted\">(stack not captured)</p>"))
        #expect(page.contains("<dt>deadlocks</dt><dd>1</dd>"))
        #expect(page.contains("<a href=\"#deadlocks\">Deadlocks</a> <a href=\"#stalls\">Stalls</a>"))
        // First after the summary: before the stalls and the lock table.
        let deadlocks = try #require(page.range(of: "<section id=\"deadlocks\">"))
        let stalls = try #require(page.range(of: "<section id=\"stalls\">"))
        #expect(deadlocks.lowerBound < stalls.lowerBound)
        // The text report says the same words.
        let text = TextReportRenderer().render(report)
        #expect(text.contains("    thread 2 't&1' holds b, waits for a<1> (1.20 s when seen), at:\n        transfer() (Bank.swift:7)"))
        report.deadlocks = []
        #expect(!HTMLReportRenderer().render(report).contains("DEADLOCK"))
    }

    @Test func histogramMarksInterpolatedPercentiles() throws {
        var histogram = [UInt64](repeating: 0, count: 21)
        histogram[10] = 50
        histogram[20] = 50
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "l"),
            counters(1, acquisitions: 100, contended: 100, wait: second, maximumWait: 3 * millisecond, histogram: histogram),
            end(after: second),
        ]
        let lock = try #require(ContentionAnalysis.report(records: records).locks.first)
        // Rank 50 is the top of bucket 10 (2048 ns): one column from the left of 11 columns.
        #expect(lock.waitP50Nanoseconds == 2048)
        let svg = try #require(WaitHistogramChart(lock: lock).svg(lockName: "l"))
        #expect(svg.contains("<g class=\"percentile p50\"><title>p50 wait: 2.05 µs</title><line x1=\"90.9\" x2=\"90.9\""))
        // Rank 99 is 98% into bucket 20 ([1.05 ms, 2.10 ms)): column 10.98 of 11.
        let p99 = try #require(lock.waitP99Nanoseconds)
        let x = SVGNumber.format((10 + (Double(p99) - 1_048_576) / 1_048_576) * 1000 / 11)
        #expect(x == "998.2")
        #expect(svg.contains("<line x1=\"\(x)\""))
        // One bar per bucket from the first to the last used, empty ones included.
        #expect(svg.components(separatedBy: "<g class=\"bar\">").count - 1 == 11)
    }
}

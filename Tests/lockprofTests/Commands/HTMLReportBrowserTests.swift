import Foundation
import LockProfFormat
import Testing

/// `lockprof report --format html` of a real recorded trace, loaded in headless Chromium: what
/// the browser renders, not just what the file says.
@Suite(.enabled(if: HeadlessChromium.isUsable, HeadlessChromium.unavailableReason))
struct HTMLReportBrowserTests {
    let traces = RecordedTraces.shared

    /// The page of `trace`, written by the command as a user would.
    func page(of trace: String) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("report.html").path
        let result = try CommandRunner.run(["report", trace, "--format", "html", "-o", path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        return path
    }

    /// The text of the first element that opens with `opening`, up to its closing `</tag>`.
    func element(_ opening: String, closing: String, in dom: String) throws -> Substring {
        let start = try #require(dom.range(of: opening), "no \(opening) in the DOM")
        let end = try #require(dom.range(of: closing, range: start.upperBound..<dom.endIndex))
        return dom[start.lowerBound..<end.upperBound]
    }

    @Test func renderedPageShowsTheFlaggedLockItsHolderAndItsSlices() throws {
        let dom = try HeadlessChromium.dumpDOM(of: try page(of: traces.contended))
        // The script ran (the content security policy lets the page's own script through).
        #expect(dom.contains("<html lang=\"en\" class=\"js\">"))
        #expect(try element("<p class=\"verdict flagged\"", closing: "</p>", in: dom).contains("demo.account"))
        // The flagged lock is the table's first row, marked.
        let body = try element("<tbody>", closing: "</tbody>", in: dom)
        #expect(body.dropFirst("<tbody>".count).drop { $0 == "\n" }.hasPrefix("<tr class=\"flagged\" data-lock=\"demo.account\">"))
        #expect(body.contains("<span class=\"badge\">FLAG</span>"))
        // Its holder icicle holds the frame that held the lock: BankAccount.withdraw.
        let section = try element("<section class=\"lock\" id=\"lock-0-demo-account\"", closing: "</section>", in: dom)
        let holder = try element("<svg class=\"icicle holder\"", closing: "</svg>", in: String(section))
        #expect(holder.contains(">BankAccount.withdraw(_:ioMilliseconds:) (BankAccount.swift:"))
        #expect(holder.contains("<rect x=\"0\""))
        #expect(section.contains("<g class=\"percentile p99\">"))
        // The timeline has wait and hold slices of the hot lock, four tellers waiting.
        let timeline = try element("<svg class=\"timeline\"", closing: "</svg>", in: dom)
        #expect(timeline.components(separatedBy: "class=\"slice wait l0\" data-lock=\"demo.account\"").count - 1 >= 3)
        #expect(timeline.contains("class=\"slice hold l0\" data-lock=\"demo.account\""))
    }

    @Test func screenshotIsAPictureOfThePage() throws {
        let page = try page(of: traces.contended)
        let shot = try temporaryDirectory().appendingPathComponent("report.png").path
        try HeadlessChromium.screenshot(of: page, to: shot, width: 1280, height: 1600)
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: shot)))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        func word(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(word(16) == 1280)
        #expect(word(20) == 1600)
        // A blank 1280 × 1600 page compresses to about 10 KB; text, tables and graphs take far more.
        #expect(png.count > 40_000, "screenshot is only \(png.count) bytes: is the page blank?")
        #expect(png.count < 4_000_000)
    }

    @Test func hostileNamesDoNotBecomeElements() throws {
        let hostile = "<img src=x onerror=\"document.title='owned'\"><script>document.title='owned'</script>"
        let path = try temporaryDirectory().appendingPathComponent("hostile.trace").path
        let writer = try TraceWriter(path: path)
        let records: [TraceRecord] = [
            .process(ProcessRecord(pid: 9, processName: hostile, startWallNanoseconds: 1, startNanoseconds: 1_000, clockSource: "tsc")),
            .thread(ThreadRecord(threadID: 1, systemThreadID: 91, name: hostile)),
            .lock(LockRecord(lockID: 1, kind: .mutex, name: hostile, site: hostile)),
            .module(ModuleRecord(moduleID: 1, path: "/bin/\(hostile)", baseAddress: 0x1000)),
            .symbol(SymbolRecord(frame: Frame(moduleID: 1, offset: 0x10), function: hostile, file: hostile, line: 1)),
            .stack(StackRecord(stackID: 1, frames: [Frame(moduleID: 1, offset: 0x10)])),
            .contention(ContentionRecord(lockID: 1, threadID: 1, timeNanoseconds: 900_000, waitNanoseconds: 800_000, waiterStackID: 1, holderStackID: 1)),
            .release(ReleaseRecord(lockID: 1, threadID: 1, timeNanoseconds: 950_000, holdNanoseconds: 100_000, holderStackID: 1, holdMeasuredFromAcquisition: true)),
            .end(EndRecord(timeNanoseconds: 1_001_000)),
        ]
        for record in records { try writer.append(record) }
        try writer.close()
        let dom = try HeadlessChromium.dumpDOM(of: try page(of: path))
        #expect(!dom.contains("<img"))
        #expect(!dom.contains("owned</title>"))
        #expect(dom.components(separatedBy: "<script").count == 2, "only the page's own script")
        #expect(dom.contains("&lt;img src=x onerror=\"document.title='owned'\"&gt;&lt;script&gt;"))
    }

    @Test func demoWritesThePage() throws {
        let directory = try temporaryDirectory()
        let page = directory.appendingPathComponent("demo.html").path
        let result = try CommandRunner.run([
            "demo", "--scenario", "bank-account", "--output", directory.appendingPathComponent("demo.trace").path, "--html", page,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("page to \(page)"))
        let dom = try HeadlessChromium.dumpDOM(of: page)
        #expect(dom.contains("<tr class=\"flagged\" data-lock=\"demo.account\">"))
    }
}

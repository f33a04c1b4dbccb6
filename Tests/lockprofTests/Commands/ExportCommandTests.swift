import Foundation
import Testing

/// Where `go` is, when installed: `go tool pprof` is the real consumer of our pprof export.
let goExecutable: String? = ["/usr/bin/go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// Runs `executable arguments…` and returns its standard output (standard error merged in).
func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let file = try temporaryDirectory().appendingPathComponent("out")
    _ = FileManager.default.createFile(atPath: file.path, contents: nil)
    let handle = try FileHandle(forWritingTo: file)
    process.standardOutput = handle
    process.standardError = handle
    process.environment = ProcessInfo.processInfo.environment.merging(["HOME": NSTemporaryDirectory(), "PPROF_TMPDIR": NSTemporaryDirectory()]) { $1 }
    try process.run()
    process.waitUntilExit()
    try handle.close()
    return (process.terminationStatus, String(decoding: try Data(contentsOf: file), as: UTF8.self))
}

/// Exports of a real recorded trace, checked by their consumers and against the JSON report.
@Suite struct ExportCommandTests {
    let traces = RecordedTraces.shared

    /// The contended trace's JSON report: `locks[0]` is demo.account.
    func reportedAccount() throws -> [String: Any] {
        let result = try CommandRunner.run(["report", traces.contended, "--format", "json", "--stacks", "100"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        return try #require((object["locks"] as? [[String: Any]])?.first)
    }

    func export(_ format: String, side: String = "holder", trace: String? = nil) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("export.\(format)").path
        let result = try CommandRunner.run(["export", trace ?? traces.contended, "--format", format, "--side", side, "-o", path])
        #expect(result.status == 0, "\(result.standardError)")
        return path
    }

    @Test(.enabled(if: goExecutable != nil, "go is not installed (apt-get install golang-go): go tool pprof cannot check the pprof export"))
    func goToolPprofReadsTheProfileAndRanksTheHolderFrameFirst() throws {
        let go = try #require(goExecutable)
        let profile = try export("pprof")
        let account = try reportedAccount()
        let holder = try #require((account["holder_stacks"] as? [[String: Any]])?.first)
        let topFunction = try #require((holder["frames"] as? [[String: Any]])?.first?["function"] as? String)

        let top = try runTool(go, ["tool", "pprof", "-top", "-sample_index=delay", profile])
        #expect(top.status == 0, "\(top.output)")
        #expect(top.output.contains("Type: delay"))
        // The first row under the header is the heaviest flat function: the holder's top frame.
        let lines = top.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.contains("flat%") })
        let first = lines[header + 1]
        #expect(first.contains("100%"), "\(top.output)")
        #expect(topFunction.contains("BankAccount.withdraw("))
        #expect(first.hasSuffix("  BankAccount.withdraw(_:ioMilliseconds:)"), "\(top.output)")

        // Contention counts add up to the recorded contended acquisitions.
        let counts = try runTool(go, ["tool", "pprof", "-top", "-sample_index=contentions", profile])
        let contended = try #require(account["contended"] as? Int)
        #expect(counts.output.contains("Total samples = \(contended)"), "\(counts.output)")

        // The lock's name is the label of its samples.
        let tags = try runTool(go, ["tool", "pprof", "-tags", profile])
        #expect(tags.output.contains("demo.account"))
    }

    @Test func pprofFileIsGzip() throws {
        let profile = try export("pprof")
        let gunzip = try runTool("/bin/gzip", ["-t", profile])
        #expect(gunzip.status == 0, "\(gunzip.output)")
    }

    @Test(arguments: ["holder", "waiter"])
    func foldedStacksAddUpToTheLocksWait(_ side: String) throws {
        let text = try String(contentsOfFile: try export("folded", side: side), encoding: .utf8)
        let account = try reportedAccount()
        let lines = text.split(separator: "\n")
        #expect(!lines.isEmpty)
        var total = 0
        for line in lines {
            let space = try #require(line.lastIndex(of: " "))
            let frames = line[..<space].split(separator: ";")
            #expect(frames.first == "demo.account")
            #expect(frames.last?.contains("BankAccount.withdraw") == true)
            total += try #require(Int(line[line.index(after: space)...]))
        }
        let wait = try #require(account["wait_ns"] as? Int)
        // Stack weights are rounded one by one: within one nanosecond per stack.
        #expect(abs(total - wait) <= lines.count)
    }

    @Test func chromeTraceHasAWaitSlicePerRecordedWaitOnRecordedThreads() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try export("chrome")))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let waits = events.filter { $0["cat"] as? String == "wait" }
        let holds = events.filter { $0["cat"] as? String == "hold" }
        let account = try reportedAccount()
        #expect(waits.count == account["contended"] as? Int)
        #expect(!holds.isEmpty)
        let threadNames = events.filter { $0["name"] as? String == "thread_name" }
        let tids = Set(threadNames.compactMap { $0["tid"] as? Int })
        #expect(Set((waits + holds).compactMap { $0["tid"] as? Int }).isSubset(of: tids))
        #expect(waits.allSatisfy { ($0["dur"] as? Double ?? 0) > 0 && ($0["ts"] as? Double ?? -1) >= 0 && $0["ph"] as? String == "X" })
        #expect(waits.allSatisfy { $0["name"] as? String == "wait demo.account" })
        let waited = waits.reduce(0.0) { $0 + ($1["dur"] as? Double ?? 0) }
        let recorded = Double(try #require(account["wait_ns"] as? Int)) / 1_000
        #expect(abs(waited - recorded) < 1)
    }

    @Test func exportToAnUnwritablePathExitsTwo() throws {
        let result = try CommandRunner.run(["export", traces.quiet, "--format", "folded", "-o", "/nonexistent/out.folded"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: cannot write /nonexistent/out.folded: No such file or directory"])
    }

    @Test func exportOfAQuietTraceHasNoStacks() throws {
        let text = try String(contentsOfFile: try export("folded", trace: traces.quiet), encoding: .utf8)
        #expect(text == "")
    }
}

import Foundation
import Testing

/// `lockprof record -- unmodified-server`: a swift-nio HTTP server that never imports lockprof,
/// driven by `wrk` on loopback for two seconds. Its hit counter's `NIOLockedValueBox` is the hot
/// lock; the report names it where the server created it, counts it exactly (one acquisition per
/// request answered, and one for the total), and its holder frame is the server's own function.
/// `tools/test` installs wrk (tools/ensure-dependencies); only a machine without apt-get skips.
@Suite(.enabled(if: Wrk.isUsable, Wrk.unavailableReason))
struct RecordServerTests {
    @Test func aSwiftNIOServersLockUnderWrkIsNamedCountedExactlyAndHeldInItsOwnFunction() throws {
        let wrk = try #require(Wrk.executable, "wrk could not be installed")
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("server.trace").path
        let server = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-server").path
        let record = Process()
        record.executableURL = CommandRunner.executable
        record.arguments = ["record", "-o", trace, "--", server, "4"]
        let output = Pipe()
        record.standardOutput = output
        // What record and the server say on stderr (a crash's backtrace included) is kept and shown
        // by a failed expectation.
        let errors = directory.appendingPathComponent("record.stderr")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        record.standardError = try FileHandle(forWritingTo: errors)
        try record.run()
        // A server that hangs is ended (record forwards SIGTERM to it) rather than holding the suite.
        let deadline = DispatchWorkItem { if record.isRunning { record.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: deadline)
        defer { deadline.cancel() }
        func said() -> Comment {
            let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            return Comment(rawValue: "record's stderr:\n" + text.split(separator: "\n").suffix(60).joined(separator: "\n"))
        }
        // The server's first line names its port.
        var printed = Data()
        while !String(decoding: printed, as: UTF8.self).contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += chunk
        }
        let first = String(decoding: printed, as: UTF8.self)
        let portLine = first.split(separator: "\n").first.map(String.init) ?? ""
        let port = try #require(portLine.hasPrefix("listening ") ? Int(portLine.dropFirst(10)) : nil, "\(first) \(said())")
        let load = try runTool(wrk, ["-t2", "-c8", "-d2s", "http://127.0.0.1:\(port)/cache"])
        #expect(load.status == 0, Comment(rawValue: load.output))
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        record.waitUntilExit()
        #expect(record.terminationStatus == 0, said())
        let printedLines = (first + String(decoding: rest, as: UTF8.self)).split(separator: "\n").map(String.init)
        let hitsLine = try #require(printedLines.first { $0.hasPrefix("hits ") }, said())
        let hits = try #require(Int(hitsLine.dropFirst(5)))
        #expect(hits > 0)

        let report = try CommandRunner.run(["report", "--format", "json", "--stacks", "1", trace])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any])
        let locks = json["locks"] as? [[String: Any]] ?? []
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/UnmodifiedServer/HitCounter.swift")
        let sourceLines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(sourceLines.firstIndex { $0.contains("NIOLockedValueBox<") }) + 1
        let name = "unmodified_server/HitCounter.swift:\(line) (NIOLockedValueBox)"
        let shown = locks.prefix(3).compactMap { $0["name"] as? String }
        let counter = try #require(locks.first { $0["name"] as? String == name }, "no \(name) in \(shown)")
        #expect(counter["acquisitions"] as? Int == hits + 1)
        #expect(locks.first?["name"] as? String == name, "the most waited-for lock")
        // Two event loops and eight connections on 2 cores: the loops queue on the counter.
        if (counter["contended"] as? Int ?? 0) > 0 {
            let holder = try #require((counter["holder_stacks"] as? [[String: Any]])?.first?["frames"] as? [[String: Any]])
            let function = holder.first?["function"] as? String ?? ""
            #expect(function.contains("HitCounter.record"), "\(function)")
        }
    }
}

/// `wrk`, the HTTP load generator, installed by tools/ensure-dependencies like the other consumers.
enum Wrk {
    static let executable: String? = {
        if let found = find() { return found }
        guard HeadlessChromium.hasAptGet else { return nil }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools/ensure-dependencies").path
        _ = try? runTool("/bin/bash", [script, "--consumers"])
        return find()
    }()

    /// Whether the test runs: wrk is there, or apt-get is (then a failed install fails it).
    static var isUsable: Bool { HeadlessChromium.hasAptGet || executable != nil }

    static let unavailableReason: Comment = "wrk is not installed and this machine has no apt-get to install it (Debian package wrk)"

    private static func find() -> String? {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

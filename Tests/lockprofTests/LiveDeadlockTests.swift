import Foundation
import LockProfFormat
import Testing

/// A real deadlock in a child process: the watchdog reports it on stderr while the program hangs,
/// and the trace read after `kill -9` has the deadlock record, which `lockprof report` shows and
/// `lockprof check` fails on.
@Suite struct LiveDeadlockTests {
    @Test func aHungProcessKilledAfterTheReportLeavesATraceNamingBothLocksAndSites() throws {
        let trace = try temporaryDirectory().appendingPathComponent("deadlock.trace").path
        let process = Process()
        process.executableURL = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("fault-harness")
        process.arguments = ["deadlock", trace]
        process.environment = ProcessInfo.processInfo.environment.merging(["LOCKPROF_DEADLOCK_AFTER": "0.3"]) { _, new in new }
        let standardError = Pipe()
        process.standardError = standardError
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for the report's last line (the record is flushed before it is printed).
        var text = ""
        while !text.contains("the program is left running") {
            let data = standardError.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationStatus == SIGKILL)
        #expect(text.components(separatedBy: "lockprof: DEADLOCK: 2 threads").count == 2, "\(text)")
        #expect(text.contains("takeBothAfterBarrier"), "\(text)")

        let read = try ReadTrace(path: trace)
        let deadlocks = read.records.compactMap { if case .deadlock(let d) = $0 { d } else { nil } }
        #expect(deadlocks.count == 1)
        let locks = Dictionary(read.records.compactMap { if case .lock(let l) = $0 { (l.lockID, l) } else { nil } }) { a, _ in a }
        let record = try #require(deadlocks.first)
        #expect(Set(record.waiters.map { locks[$0.waitsForLockID]?.name }) == ["deadlock.a", "deadlock.b"])
        #expect(Set(record.waiters.flatMap(\.heldLockIDs).map { locks[$0]?.name }) == ["deadlock.a", "deadlock.b"])
        #expect(record.waiters.allSatisfy { locks[$0.waitsForLockID]?.site.hasPrefix("fault_harness/main.swift:") == true })

        let report = try CommandRunner.run(["report", "--format", "json", trace])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any])
        let shown = try #require(json["deadlocks"] as? [[String: Any]])
        #expect(shown.count == 1)
        let threads = try #require(shown.first?["threads"] as? [[String: Any]])
        #expect(Set(threads.compactMap { $0["waits_for"] as? String }) == ["deadlock.a", "deadlock.b"])
        // Symbols are written when a session ends; a killed one's frames are resolved when the
        // trace is read, against the binary it names (unchanged since), and a note says so.
        #expect(threads.allSatisfy { (($0["stack"] as? [[String: Any]]) ?? []).isEmpty == false })
        let functions = threads.compactMap { (($0["stack"] as? [[String: Any]])?.first?["function"] as? String) }
        #expect(functions.count == 2 && functions.allSatisfy { $0.contains("takeBothAfterBarrier") }, "\(functions)")
        let notes = json["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("the process wrote no symbols") && !$0.contains("changed since") }, "\(notes)")
        let textReport = try CommandRunner.run(["report", trace])
        #expect(textReport.standardOutput.contains("DEADLOCK: 1 deadlock"))
        let check = try CommandRunner.run(["check", trace])
        #expect(check.status == 1)
        #expect(check.standardOutput.contains("deadlock: thread"), "\(check.standardOutput)")
    }
}

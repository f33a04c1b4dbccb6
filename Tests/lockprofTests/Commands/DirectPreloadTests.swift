import Foundation
import Testing

/// liblockprof-preload.so loaded directly, with no `lockprof record` parent: `LD_PRELOAD=…
/// LOCKPROF_TRACE=t.%p.bin unmodified-locks`, then `lockprof report` (and the other readers) on
/// the raw log the library wrote, converted in memory. Real processes, exact counts.
@Suite struct DirectPreloadTests {
    static let rounds = 500

    static var library: String {
        CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("liblockprof-preload.so").path
    }

    /// Runs the example under the library with LOCKPROF_TRACE=`pattern`.
    static func runDirectly(_ arguments: [String], trace pattern: String) throws -> CommandResult {
        try CommandRunner.run(
            arguments, program: "unmodified-locks", environment: ["LD_PRELOAD": library, "LOCKPROF_TRACE": pattern])
    }

    /// One direct run: the raw log it left (`t.<pid>.bin`, found by its pid's `%p`), and the
    /// example's count lines.
    struct Run {
        var log: String
        var printed: [String: Int]
    }

    nonisolated(unsafe) static let run: Result<Run, any Error> = Result {
        let directory = try temporaryDirectory()
        let result = try runDirectly([String(rounds)], trace: directory.appendingPathComponent("t.%p.bin").path)
        guard result.status == 0, result.standardError.isEmpty else { throw Failure("run failed: \(result)") }
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("t.") }
        guard logs.count == 1, let name = logs.first, name.hasSuffix(".bin"), Int(name.dropFirst(2).dropLast(4)) != nil else {
            throw Failure("expected one t.<pid>.bin, found \(logs)")
        }
        var printed: [String: Int] = [:]
        for line in result.outputLines {
            let words = line.split(separator: " ")
            for index in stride(from: 0, to: words.count - 1, by: 2) { printed[String(words[index])] = Int(words[index + 1]) }
        }
        return Run(log: directory.appendingPathComponent(name).path, printed: printed)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func jsonReport(_ path: String) throws -> (result: CommandResult, report: [String: Any]) {
        let result = try CommandRunner.run(["report", "--format", "json", "--top", "1000", path])
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        return (result, json)
    }

    static func lock(_ report: [String: Any], at text: String, in file: String = "Workload.swift", wrapper: String, kind: String)
        throws -> [String: Any]
    {
        let name = try RecordCommandTests.lockName(at: text, in: file, wrapper: wrapper)
        let locks = report["locks"] as? [[String: Any]] ?? []
        return try #require(locks.first { $0["name"] as? String == name && $0["kind"] as? String == kind }, "no \(kind) \(name)")
    }

    @Test func reportReadsTheRawLogWithExactCounts() throws {
        let run = try Self.run.get()
        #expect(FileManager.default.contents(atPath: run.log)?.starts(with: Array("LPRAWLOG".utf8)) == true)
        let (result, report) = try Self.jsonReport(run.log)
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        let hot = try Self.lock(report, at: "let hotLock = NSLock()", wrapper: "NSLock", kind: "mutex")
        #expect(hot["acquisitions"] as? Int == run.printed["hot-acquisitions"])
        #expect(hot["acquisitions"] as? Int == 4 * Self.rounds)
        let raw = try Self.lock(report, at: "pthread_mutex_init(rawMutex", wrapper: "pthread_mutex_t", kind: "mutex")
        #expect(raw["acquisitions"] as? Int == 2 * Self.rounds)
        let condition = try Self.lock(report, at: "NSCondition()", wrapper: "NSCondition", kind: "condition")
        #expect(condition["signals"] as? Int == Self.rounds)
        #expect(condition["acquisitions"] as? Int == run.printed["condition-waits"])
        let inversions = report["inversions"] as? [[String: Any]] ?? []
        #expect(inversions.count == 1)
        #expect(report["complete"] as? Bool == true)
    }

    @Test func mergeAndCheckReadTheRawLogToo() throws {
        let run = try Self.run.get()
        let merged = try temporaryDirectory().appendingPathComponent("merged.trace").path
        let merge = try CommandRunner.run(["merge", run.log, "-o", merged])
        #expect(merge.status == 0)
        #expect(FileManager.default.contents(atPath: merged)?.starts(with: Array("LOCKPROF".utf8)) == true)
        let (_, report) = try Self.jsonReport(merged)
        let hot = try Self.lock(report, at: "let hotLock = NSLock()", wrapper: "NSLock", kind: "mutex")
        #expect(hot["acquisitions"] as? Int == 4 * Self.rounds)
        // The raw log as both the trace and the baseline: no regression, but the inversion fails.
        let first = try RecordCommandTests.lockName(at: "pthread_mutex_init(first", in: "OrderInversion.swift", wrapper: "pthread_mutex_t")
        let second = try RecordCommandTests.lockName(at: "pthread_mutex_init(second", in: "OrderInversion.swift", wrapper: "pthread_mutex_t")
        let check = try CommandRunner.run(["check", "--baseline", run.log, run.log])
        #expect(check.status == 1)
        #expect(check.outputLines == ["FAIL lock-order inversion: \(first) → \(second) → \(first)"])
        let allowed = try CommandRunner.run(["check", "--allow-inversions", "--baseline", run.log, run.log])
        #expect(allowed.status == 0)
    }

    @Test func aChildThatExecsWritesItsOwnLogAndAForkedOneNone() throws {
        let directory = try temporaryDirectory()
        // sh forks and execs /bin/true (a new program: its own log), forks a subshell that does not
        // exec, in the background (no log: a forked child records nothing), and prints its own pid.
        let result = try CommandRunner.run(
            ["-c", "/bin/true; (echo forked) & wait; echo $$"], program: "/bin/sh",
            environment: ["LD_PRELOAD": Self.library, "LOCKPROF_TRACE": directory.appendingPathComponent("t.%p.bin").path])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        let shell = try #require(result.outputLines.last)
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(logs.count == 2)
        #expect(logs.contains("t.\(shell).bin"))
        for log in logs {
            #expect(try CommandRunner.run(["report", directory.appendingPathComponent(log).path]).status == 0)
        }
    }

    @Test func anExistingFileIsNeverOverwrittenAndSaysSoInOneLine() throws {
        let path = try temporaryDirectory().appendingPathComponent("kept.bin").path
        try Data("mine".utf8).write(to: URL(fileURLWithPath: path))
        let result = try Self.runDirectly(["10"], trace: path)
        #expect(result.status == 0)  // the program runs as it would, unrecorded
        #expect(result.outputLines.first == "hot 40 recursive 20 raw 20 boxed 20")
        #expect(result.errorLines == [
            "lockprof-preload: \(path): file exists: this process is not recorded (use a new LOCKPROF_TRACE path; %p becomes the pid)"
        ])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mine")
    }

    @Test func aRawLogWhoseHeaderIsCutShortIsOneErrorLine() throws {
        let run = try Self.run.get()
        let cut = try temporaryDirectory().appendingPathComponent("header.bin").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: run.log))
        try bytes.prefix(10).write(to: URL(fileURLWithPath: cut))
        let result = try CommandRunner.run(["report", cut])
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.errorLines == ["lockprof: error: \(cut): preload raw log header is cut short (10 of 16 bytes)"])
    }

    /// The log is written out as the program runs (a record finds the buffer older than 0.2 s), so
    /// a process killed with SIGKILL leaves its waits, which `lockprof report` symbolizes against
    /// the binaries the log names: the hot lock, its holder's function and line.
    @Test func aProcessKilledWithSIGKILLLeavesItsWaitsSymbolized() throws {
        let directory = try temporaryDirectory()
        let log = directory.appendingPathComponent("killed.bin").path
        let process = Process()
        process.executableURL = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-locks")
        process.arguments = ["100000000"]  // runs far longer than the test waits
        process.environment = ProcessInfo.processInfo.environment.merging(["LD_PRELOAD": Self.library, "LOCKPROF_TRACE": log]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The header and modules are written at start; wait until waits follow them, then a little more.
        func size() -> Int { ((try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? Int) ?? 0 }
        var start = 0
        for _ in 0..<200 where start == 0 {
            usleep(10_000)
            start = size()
        }
        for _ in 0..<1_000 where size() == start { usleep(10_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let (result, report) = try Self.jsonReport(log)
        #expect(result.status == 0)
        #expect(result.errorLines.contains { $0.contains("the process did not exit normally") })
        let hot = try Self.lock(report, at: "let hotLock = NSLock()", wrapper: "NSLock", kind: "mutex")
        #expect((hot["contended"] as? Int ?? 0) > 0)
        let holder = try #require((hot["holder_stacks"] as? [[String: Any]])?.first?["frames"] as? [[String: Any]])
        #expect((holder.first?["function"] as? String)?.contains("Workload.addToHotCounter()") == true)
        #expect(holder.first?["line"] as? Int == (try RecordCommandTests.workloadLine(of: "hotLock.unlock()")))
    }

    @Test func aRawLogCutInsideItsLastRecordIsReportedUpToThereWithANote() throws {
        let run = try Self.run.get()
        let cut = try temporaryDirectory().appendingPathComponent("tail.bin").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: run.log))
        // The last record is the end record (tag, length, 8-byte time): cut 3 bytes into its time.
        try bytes.dropLast(5).write(to: URL(fileURLWithPath: cut))
        let (result, report) = try Self.jsonReport(cut)
        #expect(result.status == 0)
        #expect(result.errorLines == [
            "lockprof: note: \(cut): the raw log ends inside a record at byte \(bytes.count - 13) of \(bytes.count - 5) "
                + "(the process was killed while writing?): the report holds the records before it"
        ])
        // Every lock's counts precede the end record: they are all there.
        let hot = try Self.lock(report, at: "let hotLock = NSLock()", wrapper: "NSLock", kind: "mutex")
        #expect(hot["acquisitions"] as? Int == 4 * Self.rounds)
    }
}

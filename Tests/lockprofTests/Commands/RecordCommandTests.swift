import Foundation
import Testing

/// `lockprof record -- PROGRAM` on `unmodified-locks`, a program that never imports lockprof: its
/// NSLock, NSRecursiveLock, NSCondition, raw pthread_mutex_t and NIOLockedValueBox are seen
/// through the interposition library, with exact counts. (Not run under ThreadSanitizer: the
/// library cannot be preloaded into a TSan process; tools/tsan skips this suite.)
@Suite struct RecordCommandTests {
    static let rounds = 1_000

    /// One recording of the example, shared by the tests that read it.
    struct Recording {
        var result: CommandResult
        var trace: String
        var report: [String: Any]
        /// The example's own count lines: `hot-acquisitions 4000` → ["hot-acquisitions": 4000].
        var printed: [String: Int]

        func lock(_ name: String, kind: String) throws -> [String: Any] {
            let locks = report["locks"] as? [[String: Any]] ?? []
            return try #require(locks.first { $0["name"] as? String == name && $0["kind"] as? String == kind }, "no \(kind) \(name)")
        }
    }

    nonisolated(unsafe) static let recording: Result<Recording, any Error> = Result {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("unmodified.trace").path
        let program = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-locks").path
        let result = try CommandRunner.run(["record", "-o", trace, "--", program, String(rounds)])
        let report = try CommandRunner.run(["report", "--format", "json", "--top", "1000", "--stacks", "1", trace])
        let json = try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any] ?? [:]
        var printed: [String: Int] = [:]
        for line in result.outputLines {
            let words = line.split(separator: " ")
            for index in stride(from: 0, to: words.count - 1, by: 2) { printed[String(words[index])] = Int(words[index + 1]) }
        }
        return Recording(result: result, trace: trace, report: json, printed: printed)
    }

    /// `Module/File.swift:line (Wrapper)`, the line being the first of `file` (an example source) that holds `text`.
    static func lockName(at text: String, in file: String = "Workload.swift", wrapper: String) throws -> String {
        "unmodified_locks/\(file):\(try workloadLine(of: text, in: file)) (\(wrapper))"
    }

    static func workloadLine(of text: String, in file: String = "Workload.swift") throws -> Int {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/UnmodifiedLocks/\(file)")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    @Test func theProgramRunsAsItWouldAndItsTraceIsWritten() throws {
        let recording = try Self.recording.get()
        #expect(recording.result.status == 0)
        #expect(recording.printed["hot"] == 4 * Self.rounds)  // its standard output passed through
        #expect(recording.result.errorLines.last?.hasPrefix("lockprof: wrote \(recording.trace): ") == true)
        #expect(recording.report["complete"] as? Bool == true)
    }

    @Test func theHotNSLockIsFlaggedWithItsHolderFunctionAndLine() throws {
        let recording = try Self.recording.get()
        let name = try Self.lockName(at: "let hotLock = NSLock()", wrapper: "NSLock")
        let hot = try recording.lock(name, kind: "mutex")
        #expect(hot["acquisitions"] as? Int == 4 * Self.rounds)
        #expect(hot["flagged"] as? Bool == true)
        let locks = recording.report["locks"] as? [[String: Any]] ?? []
        #expect(locks.first?["name"] as? String == name)  // the most waited-for lock
        let holder = try #require((hot["holder_stacks"] as? [[String: Any]])?.first?["frames"] as? [[String: Any]])
        let top = try #require(holder.first)
        #expect((top["function"] as? String)?.contains("Workload.addToHotCounter()") == true)
        #expect((top["file"] as? String)?.hasSuffix("Examples/UnmodifiedLocks/Workload.swift") == true)
        #expect(top["line"] as? Int == (try Self.workloadLine(of: "hotLock.unlock()")))
        let waiter = try #require((hot["waiter_stacks"] as? [[String: Any]])?.first?["frames"] as? [[String: Any]])
        #expect(waiter.first?["line"] as? Int == (try Self.workloadLine(of: "hotLock.lock()")))
    }

    @Test func everyWrapperCountsExactly() throws {
        let recording = try Self.recording.get()
        let recursive = try recording.lock(try Self.lockName(at: "NSRecursiveLock()", wrapper: "NSRecursiveLock"), kind: "recursive")
        #expect(recursive["acquisitions"] as? Int == 2 * Self.rounds)
        #expect(recursive["reentries"] as? Int == 2 * Self.rounds)
        let raw = try recording.lock(try Self.lockName(at: "pthread_mutex_init(rawMutex", wrapper: "pthread_mutex_t"), kind: "mutex")
        #expect(raw["acquisitions"] as? Int == 2 * Self.rounds)
        let boxed = try recording.lock(try Self.lockName(at: "NIOLockedValueBox(0)", wrapper: "NIOLockedValueBox"), kind: "mutex")
        #expect(boxed["acquisitions"] as? Int == 2 * Self.rounds + 1)
    }

    @Test func theConditionsSleepsAreNotContention() throws {
        let recording = try Self.recording.get()
        let name = try Self.lockName(at: "NSCondition()", wrapper: "NSCondition")
        let waits = try #require(recording.printed["condition-waits"])
        let condition = try recording.lock(name, kind: "condition")
        #expect(condition["acquisitions"] as? Int == waits)
        #expect(condition["contended"] as? Int == 0)
        #expect(condition["wait_ns"] as? Int == 0)
        #expect(condition["flagged"] as? Bool == false)
        if waits > 0 { #expect((condition["condition_wait_ns"] as? Int ?? 0) > 0) }
        // Its mutex: the explicit lock() calls and one re-acquisition per wakeup.
        let mutex = try recording.lock(name, kind: "mutex")
        #expect(mutex["acquisitions"] as? Int == 2 * Self.rounds + waits)
    }

    @Test func theConditionsSignalsAreCountedExactly() throws {
        let recording = try Self.recording.get()
        let condition = try recording.lock(try Self.lockName(at: "NSCondition()", wrapper: "NSCondition"), kind: "condition")
        #expect(recording.printed["condition-signals"] == Self.rounds)
        #expect(condition["signals"] as? Int == Self.rounds)  // one NSCondition.signal() per item produced
        #expect(condition["broadcasts"] as? Int == 0)
    }

    @Test func twoMutexesTakenInOppositeOrdersAreExactlyOneInversion() throws {
        let recording = try Self.recording.get()
        let first = try Self.lockName(at: "pthread_mutex_init(first", in: "OrderInversion.swift", wrapper: "pthread_mutex_t")
        let second = try Self.lockName(at: "pthread_mutex_init(second", in: "OrderInversion.swift", wrapper: "pthread_mutex_t")
        for name in [first, second] {
            #expect(try recording.lock(name, kind: "mutex")["acquisitions"] as? Int == recording.printed["order-acquisitions"])
        }
        // Only this pair: the Swift runtime's own locks, met on the way, order nothing.
        let inversions = try #require(recording.report["inversions"] as? [[String: Any]])
        #expect(inversions.count == 1)
        #expect(inversions.first?["locks"] as? [String] == [first, second])
        let edges = inversions.first?["edges"] as? [[String: Any]] ?? []
        #expect(edges.map { "\($0["held"] ?? "") -> \($0["acquired"] ?? "")" } == ["\(first) -> \(second)", "\(second) -> \(first)"])
        // Each edge keeps the stack that first took the pair, at the inner lock call.
        let lines = edges.map { (($0["stack"] as? [[String: Any]])?.first?["line"] as? Int) ?? 0 }
        #expect(lines == [
            try Self.workloadLine(of: "// while holding first", in: "OrderInversion.swift"),
            try Self.workloadLine(of: "// while holding second", in: "OrderInversion.swift"),
        ])
    }

    @Test func nestingDeeperThanTheHeldListAndReleasedOutOfOrderLeavesNoStaleOrder() throws {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("nesting.trace").path
        let program = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-locks").path
        let result = try CommandRunner.run(["record", "-o", trace, "--", program, "nesting"])
        #expect(result.status == 0)
        let report = try CommandRunner.run(["report", "--format", "json", trace])
        let json = try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any] ?? [:]
        let first = try Self.lockName(at: "pthread_mutex_init(locks[0]", in: "DeepNesting.swift", wrapper: "pthread_mutex_t")
        let last = try Self.lockName(at: "pthread_mutex_init(locks[17]", in: "DeepNesting.swift", wrapper: "pthread_mutex_t")
        // 0 → 17 while nested, 17 → 0 at the end; every other pair is taken in one order only
        // (a lock left on the held list by the out-of-order release would invert with the first).
        let inversions = json["inversions"] as? [[String: Any]] ?? []
        #expect(inversions.count == 1)
        #expect(Set(inversions.first?["locks"] as? [String] ?? []) == [first, last])
    }

    @Test func aReadHoldOfAnRWLockOrdersLocksAsAWriteHoldDoes() throws {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("rwlock-order.trace").path
        let program = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-locks").path
        let result = try CommandRunner.run(["record", "-o", trace, "--", program, "rwlock-order", "300"])
        #expect(result.status == 0)
        #expect(result.outputLines.contains("reads 300 writes 300"))
        let report = try CommandRunner.run(["report", "--format", "json", "--all", trace])
        let json = try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any] ?? [:]
        let config = try Self.lockName(at: "pthread_rwlock_init(config", in: "RWLockOrder.swift", wrapper: "pthread_rwlock_t")
        let state = try Self.lockName(at: "pthread_mutex_init(state", in: "RWLockOrder.swift", wrapper: "pthread_mutex_t")
        let locks = json["locks"] as? [[String: Any]] ?? []
        let configLock = try #require(locks.first { $0["name"] as? String == config }, "no \(config)")
        #expect(configLock["kind"] as? String == "rwlock")
        #expect(configLock["acquisitions"] as? Int == 600)
        let inversions = json["inversions"] as? [[String: Any]] ?? []
        #expect(inversions.count == 1)
        #expect(Set(inversions.first?["locks"] as? [String] ?? []) == [config, state])
        let edges = inversions.first?["edges"] as? [[String: Any]] ?? []
        let lines = Set(edges.map { (($0["stack"] as? [[String: Any]])?.first?["line"] as? Int) ?? 0 })
        #expect(lines == [
            try Self.workloadLine(of: "// while reading config", in: "RWLockOrder.swift"),
            try Self.workloadLine(of: "// while holding state", in: "RWLockOrder.swift"),
        ])
    }

    @Test func aLockHeldAcrossASleepIsOffTheCPUAndOneHeldAcrossAComputationIsOnIt() throws {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("holds.trace").path
        let program = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-locks").path
        let result = try CommandRunner.run(["record", "-o", trace, "--", program, "holds", "40"])
        #expect(result.status == 0)
        let printed = try #require(result.outputLines.first { $0.hasPrefix("sleeps ") }).split(separator: " ")
        #expect(printed.count == 4 && printed[1] == "120")
        let ownShare = Double(printed.last.flatMap { Int($0) } ?? 0) / 1000
        let report = try CommandRunner.run(["report", "--format", "json", "--threshold", "1%", "--stacks", "1", trace])
        let json = try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any] ?? [:]
        let locks = json["locks"] as? [[String: Any]] ?? []
        func lock(_ declaration: String) throws -> [String: Any] {
            let name = try Self.lockName(at: declaration, in: "HeldOffAndOnTheCPU.swift", wrapper: "NSLock")
            return try #require(locks.first { $0["name"] as? String == name }, "no \(name) in \(locks.prefix(4).map { $0["name"] ?? "" })")
        }
        let sleeping = try lock("let sleepingLock = NSLock()")
        let computing = try lock("let computingLock = NSLock()")
        #expect(sleeping["acquisitions"] as? Int == 120)
        #expect(computing["acquisitions"] as? Int == 120)
        // Three threads take each lock in turn, so most holds begin with a wait and are timed,
        // with the holder's CPU clock (thread_state.c, "Timed holds").
        let sleepingShare = try #require(sleeping["holder_on_cpu"] as? Double, "\(sleeping)")
        let computingShare = try #require(computing["holder_on_cpu"] as? Double, "\(computing)")
        #expect(sleepingShare < 0.3)
        #expect(computingShare > sleepingShare + 0.2, "computing \(computingShare), its holders' own \(ownShare)")
        #expect((sleeping["diagnosis"] as? [String: Any])?["pattern"] as? String == "blocking-under-lock")
        // On a machine so loaded that a computing thread runs less than 85% of its hold, the
        // share says so; the pattern is checked when the holders themselves saw the CPU.
        if ownShare > 0.85 {
            #expect(computingShare > 0.7, "its holders' own \(ownShare)")
            #expect((computing["diagnosis"] as? [String: Any])?["pattern"] as? String == "long-critical-section")
        }
    }

    @Test func errorsOfAnErrorCheckingMutexComeBackUnchanged() throws {
        let directory = try temporaryDirectory()
        let program = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("unmodified-locks").path
        let result = try CommandRunner.run(["record", "-o", directory.appendingPathComponent("e.trace").path, "--", program, "errors"])
        #expect(result.status == 0)
        #expect(result.outputLines == ["relock=EDEADLK try=EBUSY unlock-unowned=EPERM timed=ETIMEDOUT"])
    }

    @Test func exitStatusPassesThroughAndAProgramWithoutLocksIsSaidSo() throws {
        let result = try CommandRunner.run(["record", "--", "/bin/sh", "-c", "echo out; exit 7"])
        #expect(result.status == 7)
        #expect(result.outputLines == ["out"])
        #expect(result.errorLines.contains { $0.hasPrefix("lockprof: no pthread lock calls were seen: /bin/sh") })
    }

    @Test func aProgramKilledByASignalEndsRecordTheSameWay() throws {
        let scratch = try temporaryDirectory()
        let result = try CommandRunner.run(
            ["record", "--", "/bin/sh", "-c", "kill -TERM $$"], environment: ["TMPDIR": scratch.path])
        #expect(result.status == SIGTERM)  // Process reports the signal that ended lockprof
        // Its raw-log directory is removed before lockprof ends itself with the same signal.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
    }

    @Test func anExistingTraceIsKeptUnlessForced() throws {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("kept.trace").path
        try Data("mine".utf8).write(to: URL(fileURLWithPath: trace))
        let refused = try CommandRunner.run(["record", "-o", trace, "--", "/bin/true"])
        #expect(refused.status == 2)
        #expect(refused.errorLines == ["lockprof: error: \(trace) exists (use --force to replace it)"])
        #expect(try String(contentsOfFile: trace, encoding: .utf8) == "mine")
        let forced = try CommandRunner.run(["record", "--force", "-o", trace, "--", "/bin/true"])
        #expect(forced.status == 0)
        #expect(FileManager.default.contents(atPath: trace)?.starts(with: Array("LOCKPROF".utf8)) == true)
    }

    @Test func aProgramThatCannotRunIsOneLine() throws {
        let result = try CommandRunner.run(["record", "--", "/nonexistent/program"])
        #expect(result.status == 127)
        #expect(result.errorLines == ["lockprof: error: cannot run /nonexistent/program: No such file or directory"])
    }

    @Test func anUnwritableTracePathIsRefusedBeforeTheProgramRuns() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-ran-\(UUID().uuidString)").path
        let result = try CommandRunner.run(["record", "-o", "/nonexistent/dir/t.trace", "--", "/usr/bin/touch", marker])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: /nonexistent/dir/t.trace: cannot write the trace: /nonexistent/dir is not a writable directory"])
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func aRawLogThatCannotBecomeATraceIsKeptAndSaidWhere() throws {
        let directory = try temporaryDirectory()
        let trace = directory.appendingPathComponent("spoilt.trace").path
        // The program overwrites its own raw log's header: the conversion fails after it ran.
        let spoil = "printf NOTALOG! | dd of=\"${LOCKPROF_PRELOAD_OUTPUT%/*}/raw.$$\" conv=notrunc 2>/dev/null"
        let result = try CommandRunner.run(["record", "-o", trace, "--", "/bin/sh", "-c", spoil])
        #expect(result.status == 2)
        let prefix = "lockprof: error: cannot write a trace from the raw log (not a lockprof preload log): the raw log is kept in "
        let line = try #require(result.errorLines.last { $0.hasPrefix(prefix) }, "\(result.errorLines)")
        let kept = String(line.dropFirst(prefix.count))
        #expect(FileManager.default.contents(atPath: kept)?.starts(with: Array("NOTALOG!".utf8)) == true)
        #expect(!FileManager.default.fileExists(atPath: trace))
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: kept).deletingLastPathComponent().path)
    }

    @Test func helpIsHelpNotAProgram() throws {
        let result = try CommandRunner.run(["record", "--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("LD_PRELOAD=.build/release/liblockprof-preload.so LOCKPROF_TRACE=t.%p.bin"))
    }

    @Test func noProgramIsAUsageError() throws {
        let result = try CommandRunner.run(["record"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("Give the program to run after --"))
    }
}

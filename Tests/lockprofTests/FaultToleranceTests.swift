import Foundation
import LockProfFormat
import Testing

/// The program being profiled misbehaves: it is killed, exits from another thread, traps, runs
/// into a file-size limit, forks, or churns through threads and locks. Each test runs
/// `fault-harness` in a child process and checks what it left. Serialized: each child runs 8
/// hammering threads, and the machine has 2 cores.
@Suite(.serialized) struct FaultToleranceTests {
    /// Kills in the suite; `tools/stress` runs many more (`LOCKPROF_STRESS_KILLS`).
    static let kills = scale("LOCKPROF_STRESS_KILLS", default: 20)
    /// Seconds of 8-thread hammering; `tools/stress` runs a minute (`LOCKPROF_STRESS_SECONDS`).
    static let hammerSeconds = scale("LOCKPROF_STRESS_SECONDS", default: 1)
    /// Rounds of 8 short-lived threads; `tools/stress` runs more (`LOCKPROF_STRESS_ROUNDS`).
    static let churnRounds = scale("LOCKPROF_STRESS_ROUNDS", default: 40)

    /// A size the suite keeps small and `tools/stress` raises through the environment.
    static func scale(_ variable: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[variable].flatMap { Int($0) } ?? value
    }

    @Test func killNineAtRandomMomentsLeavesAReadableTraceLosingAtMostTheLastChunk() throws {
        var generator = SystemRandomNumberGenerator()
        var withChunks = 0, noFile = 0, headerless = 0
        for kill in 0..<Self.kills {
            // Even runs: from launch, so some die before the trace exists. Odd runs: from the
            // moment the file exists, so a loaded machine's slow start cannot hide recording.
            let delay = UInt32.random(in: 0...400_000, using: &generator)
            let trace = try temporaryDirectory().appendingPathComponent("killed.trace").path
            let status = try Self.runAndKill(
                arguments: ["hammer-forever", trace], afterMicroseconds: delay, waitingFor: kill % 2 == 1 ? trace : nil)
            #expect(status == SIGKILL, "run \(kill), killed after \(delay) µs: ended with \(status)")
            guard let size = (try? FileManager.default.attributesOfItem(atPath: trace))?[.size] as? Int else {
                noFile += 1  // killed before the file was created
                continue
            }
            if size < TraceFileLayout.fileHeaderSize {
                // Killed between creating the file and writing its header: one line, non-zero.
                headerless += 1
                let report = try CommandRunner.run(["report", trace])
                #expect(report.status != 0 && report.errorLines.count == 1, "run \(kill): \(report.standardError)")
                continue
            }
            let read = try ReadTrace(path: trace)
            #expect(read.damageIsAtMostALostLastChunk, "run \(kill), \(delay) µs: \(read.summary.damage)")
            #expect(!read.hasEnd, "run \(kill)")
            #expect(read.countersNeverGoBack, "run \(kill)")
            #expect(read.inconsistentEvents.isEmpty, "run \(kill): \(read.inconsistentEvents.prefix(3))")
            let (reportStatus, top) = try jsonReport(of: trace)
            if read.summary.chunks > 0 {
                withChunks += 1
                #expect(reportStatus == 0, "run \(kill)")
                #expect(top?["complete"] as? Bool == false, "run \(kill): a killed recording is reported incomplete")
            } else {
                // Killed between the header and the first chunk: a report with no locks whose
                // note says the trace holds no records.
                let notes = (top?["notes"] as? [String]) ?? []
                #expect(reportStatus == 0 && notes.contains { $0.contains("holds no records") }, "run \(kill): \(notes)")
            }
        }
        // Most kills land after the first checkpoint; a run where none did proves nothing.
        #expect(withChunks >= Self.kills / 4)
        print("kill -9: \(Self.kills) runs, \(withChunks) left intact chunks, \(noFile) before the file existed, \(headerless) before its header")
    }

    @Test func returningFromMainWithoutStopFinishesTheTraceWithExactCounts() throws {
        let run = try FaultHarnessRun.run("exit-without-stop")
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.problems.isEmpty)
        let read = try ReadTrace(path: run.trace)
        #expect(read.summary.damage.isEmpty)
        #expect(read.hasEnd)
        #expect(!run.acquired.isEmpty)
        for (name, count) in run.acquired { #expect(read.acquisitionsByName[name] == count, "\(name)") }
        #expect(try jsonReport(of: run.trace).top?["complete"] as? Bool == true)
    }

    @Test func exitFromAnotherThreadWhileLocksAreBusyFinishesTheTrace() throws {
        let run = try FaultHarnessRun.run("exit-from-thread")
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.result.outputLines == ["exiting"])
        let read = try ReadTrace(path: run.trace)
        #expect(read.summary.damage.isEmpty)
        #expect(read.hasEnd)
        #expect((read.acquisitionsByName["hammer.hot"] ?? 0) > 0)
        #expect(read.inconsistentEvents.isEmpty)
        #expect(try jsonReport(of: run.trace).top?["complete"] as? Bool == true)
    }

    @Test func aFatalErrorLeavesEveryCheckpointWrittenBeforeIt() throws {
        let run = try FaultHarnessRun.run("fatal-error", environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(run.result.status != 0)
        #expect(run.result.standardError.contains("deliberate fatal error"))
        let read = try ReadTrace(path: run.trace)
        #expect(read.damageIsAtMostALostLastChunk, "\(read.summary.damage)")
        #expect(!read.hasEnd)
        // The workload ran 300 ms (three checkpoints) before the trap; the last checkpoint's
        // counts are in the trace and can only be lower than what the workload made.
        let recorded = try #require(read.acquisitionsByName["hammer.hot"])
        #expect(recorded > 0 && recorded <= (run.acquired["hammer.hot"] ?? 0))
        let (status, top) = try jsonReport(of: run.trace)
        #expect(status == 0)
        #expect(top?["complete"] as? Bool == false)
    }

    @Test func aFileSizeLimitStopsRecordingWithOneWarningAndTheProgramCarriesOn() throws {
        let limit = 32_768
        let run = try FaultHarnessRun.run("file-size-limit", String(limit))
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.problems.isEmpty, "the locks kept working: \(run.problems)")
        #expect((run.acquired["hammer.hot"] ?? 0) > 0)
        let warnings = run.result.errorLines.filter { $0.hasPrefix("lockprof:") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("recording stopped") == true && warnings.first?.contains("File too large") == true)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: run.trace)[.size] as? Int)
        #expect(size <= limit)
        let read = try ReadTrace(path: run.trace)
        #expect(read.summary.chunks >= 1)
        #expect(read.damageIsAtMostALostLastChunk, "\(read.summary.damage)")
        #expect(read.inconsistentEvents.isEmpty)
        #expect(try jsonReport(of: run.trace).top?["complete"] as? Bool == false)
    }

    @Test func forkedChildrenNeitherDeadlockNorTouchTheParentsTrace() throws {
        let run = try FaultHarnessRun.run("fork", "10")
        #expect(run.result.status == 0, "\(run.result.standardOutput) \(run.result.standardError)")
        #expect(run.problems.isEmpty)
        #expect(run.printed("children") == 10)
        let read = try ReadTrace(path: run.trace)
        #expect(read.summary.damage.isEmpty)
        #expect(read.hasEnd)
        #expect(!run.acquired.isEmpty)
        for (name, count) in run.acquired { #expect(read.acquisitionsByName[name] == count, "\(name)") }
        // The children's own lock never reaches the parent's trace, and only the parent wrote it.
        #expect(read.acquisitionsByName["child.lock"] == nil)
        #expect(read.records.filter { if case .process = $0 { true } else { false } }.count == 1)
        // Each child recorded a session of its own into its own file.
        for child in 0..<10 {
            let own = try ReadTrace(path: "\(run.trace).child-\(child)")
            #expect(own.summary.damage.isEmpty && own.hasEnd, "child \(child)")
            // It sees the locks it inherited, but the parent's workers do not exist in it.
            #expect(own.acquisitionsByName["child.recorded"] == 100, "child \(child)")
            #expect(own.acquisitionsByName.filter { $0.key != "child.recorded" }.values.allSatisfy { $0 == 0 }, "child \(child)")
        }
    }

    @Test func eightThreadsHammeringMixedLocksAreCountedExactlyWithConsistentEvents() throws {
        let run = try FaultHarnessRun.run("hammer", String(Self.hammerSeconds))
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.problems.isEmpty)
        let read = try ReadTrace(path: run.trace)
        #expect(read.summary.damage.isEmpty)
        #expect(run.acquired.count == 6)
        for (name, count) in run.acquired { #expect(read.acquisitionsByName[name] == count, "\(name)") }
        #expect(read.inconsistentEvents.isEmpty, "\(read.inconsistentEvents.prefix(3))")
        #expect(read.eventCountMismatches.isEmpty, "\(read.eventCountMismatches)")
        let total = run.acquired.values.reduce(0, +)
        print("hammer: \(Self.hammerSeconds) s, 8 threads, \(total) acquisitions counted exactly, \(read.contentionEvents) contention events, \(read.droppedEvents) dropped, \(read.summary.chunks) chunks")
    }

    @Test func thousandsOfShortLivedThreadsAndLocksKeepMemoryAndTheRegistryBounded() throws {
        let rounds = Self.churnRounds  // 40: 320 threads and 360 locks, each gone before the next round
        let run = try FaultHarnessRun.run("churn", String(rounds))
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.problems.isEmpty)
        // Dead locks are forgotten once a checkpoint wrote them; only live ones stay registered.
        #expect(run.printed("registered-churn-locks") == 0)
        let warm = try #require(run.printed("resident-kb-after-warm-up"))
        let end = try #require(run.printed("resident-kb-at-end"))
        // A ring is 256 KiB: keeping the rings of the 288 threads that exit after the warm-up
        // (40 rounds) would add 72 MiB.
        #expect(end - warm < 16 * 1024, "resident \(warm) KiB after warm-up, \(end) KiB at the end")
        print("churn: \(rounds) rounds, \(rounds * 8) threads, resident \(warm) KiB after warm-up, \(end) KiB at the end")
        let read = try ReadTrace(path: run.trace)
        #expect(read.summary.damage.isEmpty)
        #expect(read.acquisitionsByName["churn.round"] == run.acquired["churn.round"])
        #expect(read.acquisitionsByName["churn.thread"] == run.acquired["churn.thread"])
    }

    /// Runs `fault-harness arguments…`, sends SIGKILL `delay` µs after it started (or after the
    /// file `waitingFor` appeared, waiting at most 10 s), and returns the signal it died of (or
    /// its exit status).
    static func runAndKill(arguments: [String], afterMicroseconds delay: UInt32, waitingFor file: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("fault-harness")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if let file {
            for _ in 0..<10_000 where !FileManager.default.fileExists(atPath: file) && process.isRunning { usleep(1000) }
        }
        usleep(delay)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

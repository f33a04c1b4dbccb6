import Foundation
import LockProfFormat
import Synchronization
import Testing

/// Faults at a session's boundaries and in its clock (issue 17), each in a `fault-harness` child:
/// they change the process's file-size limit, its clock, or fork it.
@Suite(.serialized) struct SessionFaultTests {
    @Test func aClockThatStepsBackNeitherTrapsNorRecordsANegativeWait() throws {
        let run = try FaultHarnessRun.run("clock-steps-back")
        #expect(run.result.status == 0, "\(run.result.standardOutput) \(run.result.standardError)")
        #expect(run.problems.isEmpty, "\(run.problems)")
        if run.result.outputLines.contains(where: { $0.hasPrefix("skipped") }) {
            print("clock-steps-back: \(run.result.standardOutput)")
        }
    }

    @Test func aFailedFirstWriteFailsTheStartAndLeavesRecordingOff() throws {
        let run = try FaultHarnessRun.run("first-write-fails", String(TraceFileLayout.fileHeader().count))
        #expect(run.result.status == 0, "\(run.result.standardError)")
        let lines = run.result.outputLines
        #expect(lines.contains { $0.hasPrefix("start-failed") && $0.contains("File too large") }, "\(lines)")
        #expect(lines.contains("is-recording false"), "\(lines)")
        #expect(lines.contains("recording-flag 0"), "\(lines)")
        #expect(lines.contains("recording-flag-after-stop 0"), "\(lines)")
    }

    @Test func aForkedChildCountsNoBlockingHoldForASleeperItDoesNotHave() throws {
        let run = try FaultHarnessRun.run("fork-with-sleeper")
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.printed("child-status") == 0, "\(run.result.standardOutput)")
    }

    /// Seconds of toggling in the suite; `tools/stress` runs 30 (`LOCKPROF_STRESS_SESSION_SECONDS`).
    /// Reading back the traces dominates: about 0.3 s per trace in a debug build.
    static let toggleSeconds = FaultToleranceTests.scale("LOCKPROF_STRESS_SESSION_SECONDS", default: 1)

    /// One thread starts and stops recording while four lock, time out and sleep on a condition.
    /// The locks' counters equal what the workers did, exactly (the harness checks); every
    /// session's trace is whole: no event outside the session, no stack named but undefined, no
    /// blocking hold or wait longer than the session.
    @Test func startingAndStoppingWhileFourThreadsLockTimeOutAndSleepKeepsEverySessionWhole() throws {
        let run = try FaultHarnessRun.run(
            "sessions", String(Self.toggleSeconds), environment: ["LOCKPROF_SYMBOLIZER": "/nonexistent"])
        #expect(run.result.status == 0, "\(run.result.standardError)")
        #expect(run.problems.isEmpty, "\(run.problems)")
        let sessions = try #require(run.printed("sessions"))
        #expect(sessions > 0)
        // Read on two threads: the machine has two cores.
        // Each half fills its own slot; an NSLock, not Mutex, which TSan cannot see when contended.
        let halves = SessionChecks()
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            for session in stride(from: half, to: sessions, by: 2) {
                let check: SessionTraceCheck
                do {
                    check = SessionTraceCheck(try ReadTrace(path: "\(run.trace).session-\(session)"))
                } catch {
                    check = SessionTraceCheck(unreadable: error)
                }
                halves.add(session, check)
            }
        }
        var problems: [String] = []
        var events = 0, releases = 0, longestHold: UInt64 = 0, longestSession: UInt64 = 0
        for (session, found) in halves.all.sorted(by: { $0.key < $1.key }) {
            problems += found.problems.map { "session \(session): \($0)" }
            events += found.events
            releases += found.releases
            longestHold = max(longestHold, found.longestHold)
            longestSession = max(longestSession, found.length)
        }
        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(5))")
        #expect(events > 0 && releases > 0)
        let summary = run.result.outputLines.first { $0.hasPrefix("toggle:") } ?? ""
        print(
            "sessions: \(Self.toggleSeconds) s, \(sessions) sessions, \(events) contention events, \(releases) blocking releases, "
                + "longest hold \(longestHold / 1000) µs, longest session \(longestSession / 1_000_000) ms; \(summary)")
    }
}

/// What a session's trace must be: whole, and about that session only.
struct SessionTraceCheck {
    var problems: [String] = []
    var events = 0
    var releases = 0
    var longestHold: UInt64 = 0
    var length: UInt64 = 0

    init(unreadable error: any Error) { problems = ["unreadable: \(error)"] }

    init(_ read: ReadTrace) {
        if !read.summary.damage.isEmpty { problems.append("damage \(read.summary.damage)") }
        guard let start = read.records.lazy.compactMap({ if case .process(let p) = $0 { p.startNanoseconds } else { nil } }).first,
            let end = read.records.lazy.compactMap({ if case .end(let e) = $0 { e.timeNanoseconds } else { nil } }).last
        else {
            problems.append("no process or no end record")
            return
        }
        length = end - start
        var defined: Set<UInt32> = [0]
        var referenced: Set<UInt32> = []
        for record in read.records {
            switch record {
            case .stack(let stack): defined.insert(stack.stackID)
            case .contention(let event):
                events += 1
                referenced.formUnion([event.waiterStackID, event.holderStackID])
                if event.timeNanoseconds > end || event.waitNanoseconds > event.timeNanoseconds - start {
                    problems.append("a wait of \(event.waitNanoseconds) ns outside the session")
                }
            case .release(let event):
                releases += 1
                referenced.insert(event.holderStackID)
                longestHold = max(longestHold, event.holdNanoseconds)
                if event.timeNanoseconds > end || event.holdNanoseconds > event.timeNanoseconds - start {
                    problems.append("a hold of \(event.holdNanoseconds) ns outside the session of \(length) ns")
                }
            case .lockOrder(let order): referenced.insert(order.stackID)
            case .lockStatistics(let statistics):
                // (The maximum wait is the lock's lifetime maximum, not the session's: not checked.)
                if statistics.waitNanoseconds > (statistics.contendedAcquisitions + statistics.timeouts) * length {
                    problems.append("lock \(statistics.lockID): \(statistics.waitNanoseconds) ns of waits in a session of \(length) ns")
                }
                if statistics.blockingHolds == 0 && statistics.blockingHoldNanoseconds > 0
                    || statistics.blockingHoldNanoseconds > statistics.blockingHolds * length
                {
                    problems.append("lock \(statistics.lockID): \(statistics.blockingHolds) blocking holds of \(statistics.blockingHoldNanoseconds) ns")
                }
            default: break
            }
        }
        if !referenced.isSubset(of: defined) { problems.append("undefined stacks \(referenced.subtracting(defined))") }
    }
}

/// The trace checks of the sessions, filled from two threads.
private final class SessionChecks: @unchecked Sendable {
    private let lock = NSLock()
    private var checks: [Int: SessionTraceCheck] = [:]

    func add(_ session: Int, _ check: SessionTraceCheck) { lock.withLock { checks[session] = check } }

    var all: [Int: SessionTraceCheck] { lock.withLock { checks } }
}

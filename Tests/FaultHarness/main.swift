// A program that records itself and then meets a fault: the reliability tests run it as a child
// process (killing it, limiting its file size, letting it fork or crash) and read what it left.
//
//     fault-harness MODE TRACE [ARGUMENT]
//
// Every mode prints `acquired NAME COUNT` for the acquisitions its workload made (when it gets
// that far) and exits 0 when its own checks pass; problems are printed as `problem …`, exit 1.
import Foundation
import LockProf

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: fault-harness MODE TRACE [ARGUMENT]\n".utf8))
    exit(2)
}
let mode = arguments[1]
let tracePath = arguments[2]
let argument = arguments.count > 3 ? arguments[3] : nil
let threads = 8

/// Writes one line to standard output at once (unbuffered: the process may die right after).
@Sendable func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

@Sendable func report(_ counts: [String: UInt64], problems: [String]) {
    for (name, count) in counts.sorted(by: { $0.key < $1.key }) { say("acquired \(name) \(count)") }
    for problem in problems { say("problem \(problem)") }
}

/// Hammers for `seconds`, checks the guarded values and prints the counts.
func hammerAndReport(seconds: Double) -> Bool {
    let hammer = Hammer(threads: threads)
    var counts = hammer.run(threads: threads, seconds: seconds)
    let problems = hammer.check(&counts)
    report(counts, problems: problems)
    return problems.isEmpty
}

func startRecording(overwrite: Bool = false) {
    do {
        try LockProfiler.start(tracePath: tracePath, overwrite: overwrite)
    } catch {
        say("problem cannot start: \(error)")
        exit(1)
    }
}

/// Resident memory of this process in KiB.
func residentKilobytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

switch mode {
case "hammer":
    // Records `ARGUMENT` seconds of hammering and stops: the exact-count stress run.
    startRecording()
    let ok = hammerAndReport(seconds: Double(argument ?? "1") ?? 1)
    LockProfiler.stop()
    exit(ok ? 0 : 1)

case "deadlock":
    // Two threads take deadlock.a and deadlock.b in opposite orders, each holding its first
    // before either takes its second (a barrier), so they always deadlock; main then waits to be
    // killed (the live-deadlock test, with LOCKPROF_DEADLOCK_AFTER set by the test).
    startRecording()
    let a = ProfiledLock(name: "deadlock.a")
    let b = ProfiledLock(name: "deadlock.b")
    let holding = DeadlockBarrier()
    for (first, second) in [(a, b), (b, a)] {
        Thread { takeBothAfterBarrier(first, second, barrier: holding) }.start()
    }
    say("recording")
    while true { sleep(60) }

case "hammer-forever":
    // Records until killed (the kill -9 test).
    startRecording()
    say("recording")
    _ = Hammer(threads: threads).run(threads: threads, seconds: nil)

case "exit-without-stop":
    // Returns from main while recording: the atexit hook must finish the trace.
    startRecording()
    exit(hammerAndReport(seconds: 0.3) ? 0 : 1)

case "exit-from-thread":
    // Another thread calls exit() while the workers still hammer.
    startRecording()
    let hammer = Hammer(threads: threads)
    Thread {
        usleep(300_000)
        say("exiting")
        exit(0)
    }.start()
    _ = hammer.run(threads: threads, seconds: nil)

case "fatal-error":
    // Dies of a Swift runtime trap after a stretch of recording, without stop() or atexit.
    startRecording()
    _ = hammerAndReport(seconds: 0.3)
    fatalError("fault-harness: deliberate fatal error")

case "file-size-limit":
    // The trace hits RLIMIT_FSIZE: the program must carry on with working locks.
    var limit = rlimit()
    limit.rlim_cur = rlim_t(argument.flatMap { Int($0) } ?? 16_384)
    limit.rlim_max = limit.rlim_cur
    guard setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0 else {
        say("problem setrlimit failed")
        exit(1)
    }
    startRecording()
    // Hammer until the trace has reached the limit (at most 20 s), then 200 ms more: the locks
    // must keep working after recording stopped.
    let hammer = Hammer(threads: threads)
    var counts: [String: UInt64] = [:]
    let started = Date()
    func traceSize() -> Int { (try? FileManager.default.attributesOfItem(atPath: tracePath)[.size] as? Int) ?? 0 }
    while traceSize() < Int(limit.rlim_cur) && Date().timeIntervalSince(started) < 20 {
        counts.merge(hammer.run(threads: threads, seconds: 0.2), uniquingKeysWith: +)
    }
    counts.merge(hammer.run(threads: threads, seconds: 0.2), uniquingKeysWith: +)
    let problems = hammer.check(&counts)
    report(counts, problems: problems)
    LockProfiler.stop()
    exit(problems.isEmpty ? 0 : 1)

case "fork":
    // Forks `ARGUMENT` children while the workers hammer; each child uses locks, checks it does
    // not record, and exits through atexit. A child that does not exit in 10 s is a deadlock.
    startRecording()
    let children = Int(argument ?? "5") ?? 5
    let hammer = Hammer(threads: 4)
    let workers = Thread { [hammer] in
        var counts = hammer.run(threads: 4, seconds: nil)
        let problems = hammer.check(&counts)
        report(counts, problems: problems)
    }
    workers.start()
    var problems: [String] = []
    for child in 0..<children {
        usleep(30_000)
        let pid = fork()
        if pid == 0 {
            // The child: the parent's workers do not exist here. A lock one of them held at the
            // fork stays held (as with any mutex), so the child uses a lock of its own, on two
            // threads so that it contends.
            let lock = ProfiledLock(name: "child.lock")
            final class Total: @unchecked Sendable { var value = 0 }
            let total = Total()
            let helper = Thread { for _ in 0..<500 { lock.withLock { total.value += 1 } } }
            helper.start()
            for _ in 0..<500 { lock.withLock { total.value += 1 } }
            while !helper.isFinished { usleep(100) }
            let counted = LockProfiler.snapshot().first { $0.name == "child.lock" }?.acquisitions
            var failed = LockProfiler.isRecording || lock.withLock({ total.value }) != 1000 || counted != 1000
            // The child may record a session of its own.
            do {
                try LockProfiler.start(tracePath: "\(tracePath).child-\(child)")
                let recorded = ProfiledLock(name: "child.recorded")
                for _ in 0..<100 { recorded.withLock {} }
                LockProfiler.stop()
            } catch {
                failed = true
            }
            exit(failed ? 3 : 0)
        }
        var status: Int32 = 0
        var waited = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if waited >= 10_000 {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                problems.append("child \(child) deadlocked")
                break
            }
            usleep(1000)
            waited += 1
        }
        if waited < 10_000 && status != 0 { problems.append("child \(child) exited with status \(status)") }
    }
    hammer.stop()
    while !workers.isFinished { usleep(1000) }
    LockProfiler.stop()
    for problem in problems { say("problem \(problem)") }
    say("children \(children)")
    exit(problems.isEmpty ? 0 : 1)

case "churn":
    // `ARGUMENT` rounds of 8 short-lived threads contending on a lock made for the round, each
    // thread also making a lock of its own; memory must not grow with the rounds.
    startRecording()
    let rounds = Int(argument ?? "100") ?? 100
    let perThread = 50
    var roundAcquisitions: UInt64 = 0
    var ownAcquisitions: UInt64 = 0
    var residentAfterWarmUp = 0
    var problems: [String] = []
    for round in 0..<rounds {
        if round == rounds / 10 { residentAfterWarmUp = residentKilobytes() }
        final class Round: @unchecked Sendable {
            let lock = ProfiledLock(name: "churn.round")
            var value = 0
        }
        let shared = Round()
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread {
                let own = ProfiledLock(name: "churn.thread")
                for _ in 0..<perThread {
                    own.withLock {}
                    shared.lock.withLock { shared.value += 1; usleep(1) }
                }
                group.leave()
            }.start()
        }
        group.wait()
        roundAcquisitions += UInt64(threads * perThread)
        ownAcquisitions += UInt64(threads * perThread)
        if shared.lock.withLock({ shared.value }) != threads * perThread { problems.append("round \(round) lost increments") }
        roundAcquisitions += 1
    }
    usleep(300_000)  // past a checkpoint: dead locks written out and forgotten
    let registered = LockProfiler.snapshot().filter { $0.name.hasPrefix("churn.") }.count
    say("resident-kb-after-warm-up \(residentAfterWarmUp)")
    say("resident-kb-at-end \(residentKilobytes())")
    say("registered-churn-locks \(registered)")
    LockProfiler.stop()
    report(["churn.round": roundAcquisitions, "churn.thread": ownAcquisitions], problems: problems)
    exit(problems.isEmpty ? 0 : 1)

case "clock-steps-back":
    // The clock steps back while threads wait (with and without timeouts).
    startRecording()
    let problems = waitsAcrossAClockStepBack()
    LockProfiler.stop()
    report([:], problems: problems)
    exit(problems.isEmpty ? 0 : 1)

case "sessions":
    // Starts and stops recording for `ARGUMENT` seconds while four threads lock, time out and
    // sleep on a condition; each session writes TRACE.session-N.
    let problems = SessionToggle().run(seconds: Double(argument ?? "3") ?? 3, tracePrefix: tracePath)
    report([:], problems: problems)
    exit(problems.isEmpty ? 0 : 1)

case "first-write-fails":
    // The file-size limit is `ARGUMENT` (the file header's size): the session's first write fails.
    firstWriteFails(limit: Int(argument ?? "0") ?? 0)
    exit(0)

case "fork-with-sleeper":
    // Forks while a thread sleeps on a held lock; the child must count no blocking hold.
    forkWhileAThreadSleepsOnALock()
    exit(0)

default:
    say("problem unknown mode \(mode)")
    exit(2)
}

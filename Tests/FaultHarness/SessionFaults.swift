import CLockProfSupport
import Foundation
import LockProf

#if canImport(Glibc)
import Glibc
#endif

// Faults around a recording session's boundaries and its clock (issue 17), each checked in a
// process of its own: they change the process's file-size limit, its clock or fork it.

/// The clock steps back (as a TSC that lags on another core makes it seem to) while threads wait
/// with and without a timeout on a lock, a semaphore and a condition: nothing traps, and no wait
/// is counted as negative (wrapped to about 2^64 ns). Returns the problems found.
func waitsAcrossAClockStepBack() -> [String] {
    guard lockprof_clock_step_for_testing(0) == 1 else {
        say("skipped: the clock is not the TSC, which is the one that can step back")
        return []
    }
    installInterruptHandler()
    var problems: [String] = []
    let lock = ProfiledLock(name: "clock.lock")
    problems += waitAcrossAClockStep("lock without timeout", wait: { lock.lock(); lock.unlock(); return true }, hold: lock)
    let timedLock = ProfiledLock(name: "clock.timed-lock")
    problems += waitAcrossAClockStep(
        "lock with a timeout", wait: {
            guard timedLock.lock(timeout: .seconds(Int64.max)) else { return false }
            timedLock.unlock()
            return true
        }, hold: timedLock)
    let semaphore = ProfiledSemaphore(value: 0, name: "clock.semaphore")
    problems += waitAcrossAClockStep("semaphore", wait: { semaphore.wait(timeout: .seconds(Int64.max)) }) {
        semaphore.signal()
    }
    let conditionLock = ProfiledLock(name: "clock.condition-lock")
    let condition = ProfiledCondition(lock: conditionLock, name: "clock.condition")
    problems += waitAcrossAClockStep(
        "condition", wait: { conditionLock.withLock { condition.wait(timeout: .seconds(Int64.max)) } }
    ) { condition.signal() }
    for snapshot in LockProfiler.snapshot() where snapshot.name.hasPrefix("clock.") {
        let sane: UInt64 = 60_000_000_000
        if snapshot.maximumWaitNanoseconds > sane || snapshot.waitNanoseconds > sane {
            problems.append("\(snapshot.name): wait \(snapshot.waitNanoseconds) ns, maximum \(snapshot.maximumWaitNanoseconds) ns")
        }
        if snapshot.waitHistogram.last ?? 0 > 0 { problems.append("\(snapshot.name): a wait in the 2^63 ns bucket") }
        if snapshot.conditionWaitNanoseconds > sane {
            problems.append("\(snapshot.name): condition wait \(snapshot.conditionWaitNanoseconds) ns")
        }
    }
    return problems
}

private final class Waiter: @unchecked Sendable {
    // @unchecked Sendable: `thread` is written before `started` is signalled, `result` before `done`.
    var thread = pthread_t()
    var result = false
    let started = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
}

/// Runs `wait` on a thread, steps the clock back by a second while it sleeps, interrupts its
/// sleep (so it reads the clock again), then lets it through with `release`.
private func waitAcrossAClockStep(
    _ what: String, wait: @escaping @Sendable () -> Bool, release: () -> Void
) -> [String] {
    let waiter = Waiter()
    Thread {
        waiter.thread = pthread_self()
        waiter.started.signal()
        waiter.result = wait()
        waiter.done.signal()
    }.start()
    waiter.started.wait()
    usleep(100_000)  // asleep by now
    _ = lockprof_clock_step_for_testing(-1_000_000_000)
    pthread_kill(waiter.thread, SIGUSR1)
    usleep(50_000)
    release()
    waiter.done.wait()
    return waiter.result ? [] : ["\(what): the wait gave up"]
}

/// The same, for a lock this thread holds meanwhile.
private func waitAcrossAClockStep(_ what: String, wait: @escaping @Sendable () -> Bool, hold lock: ProfiledLock) -> [String] {
    lock.lock()
    return waitAcrossAClockStep(what, wait: wait) { lock.unlock() }
}

/// SIGUSR1 does nothing but interrupt a futex wait (no SA_RESTART: the wait returns EINTR).
private func installInterruptHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGUSR1, &action, nil)
}

/// The first write of a session fails (the file-size limit is the header's size): recording must
/// not stay on for a trace that cannot be written.
func firstWriteFails(limit: Int) {
    var fileSize = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &fileSize)
    let unlimited = fileSize.rlim_cur
    fileSize.rlim_cur = rlim_t(limit)
    guard setrlimit(Int32(RLIMIT_FSIZE.rawValue), &fileSize) == 0 else {
        say("problem setrlimit failed")
        exit(1)
    }
    var outcome = "started"
    do {
        try LockProfiler.start(tracePath: tracePath)
    } catch {
        outcome = "start-failed \(error)"
    }
    // Standard output is a file too: the limit goes back up before anything is printed.
    fileSize.rlim_cur = unlimited
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &fileSize)
    say(outcome)
    say("is-recording \(LockProfiler.isRecording)")
    say("recording-flag \(lockprof_is_recording())")
    LockProfiler.stop()
    say("recording-flag-after-stop \(lockprof_is_recording())")
}

/// Forks while a thread sleeps on a lock the forking thread holds: the child, which has no such
/// thread, records a session of its own and releases the lock; it must count no blocking hold.
/// Prints the child's exit status (0: no blocking hold counted).
func forkWhileAThreadSleepsOnALock() {
    let lock = ProfiledLock(name: "fork.sleeper")
    lock.lock()
    let sleeper = Thread {
        lock.lock()
        lock.unlock()
    }
    sleeper.start()
    usleep(100_000)  // asleep on the lock by now
    let pid = fork()
    if pid == 0 {
        do {
            try LockProfiler.start(tracePath: tracePath)
        } catch {
            exit(4)
        }
        lock.unlock()
        for _ in 0..<10 { lock.withLock {} }
        LockProfiler.stop()
        let blocking = LockProfiler.snapshot().first { $0.name == "fork.sleeper" }?.blockingHolds
        exit(blocking == 0 ? 0 : 3)
    }
    var status: Int32 = 0
    _ = waitpid(pid, &status, 0)
    lock.unlock()
    while !sleeper.isFinished { usleep(1_000) }
    say("child-status \(status)")
}

import CLockProfSupport
import Foundation
import LockProfAnalysis
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

// In RecordingTests' suite: it is `.serialized`, and only one recording session runs at a time.
// The cycles here wait with a 3 s timeout, far beyond the 0.2 s threshold, so the test's threads
// come back; the untimed deadlock (and kill -9) is FaultToleranceTests' `deadlock` run.
extension RecordingTests {
    @Test func twoThreadsInACycleAreOneDeadlockRecordNamingBothThreadsAndLocks() throws {
        let deadlocks = try cycleDeadlocks(locks: 2)
        #expect(deadlocks.records.count == 1)
        let record = try #require(deadlocks.records.first)
        #expect(Set(record.waiters.map(\.threadID)).count == 2)
        #expect(deadlocks.describe(record) == deadlocks.expected)
        // Each thread's stack is where it waits: the function that takes its second lock.
        #expect(record.waiters.allSatisfy { $0.stackID != 0 })
        #expect(deadlocks.records.first.map { deadlocks.trace.functions(inStacks: Set($0.waiters.map(\.stackID))) }?
            .contains { $0.contains("holdThenWaitForNext") } == true)
    }

    @Test func threeThreadsInACycleAreOneDeadlockRecordNamingAllThree() throws {
        let deadlocks = try cycleDeadlocks(locks: 3)
        #expect(deadlocks.records.count == 1)
        let record = try #require(deadlocks.records.first)
        #expect(Set(record.waiters.map(\.threadID)).count == 3)
        #expect(deadlocks.describe(record) == deadlocks.expected)
    }

    /// A reader of an rwlock waits for a mutex whose holder waits to write: a cycle through the
    /// rwlock's read hold (readers are on their thread's held list as any holder is).
    @Test func aCycleThroughAnRWLocksReaderIsOneDeadlockRecord() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tag = UUID().uuidString.prefix(6)
        let config = ProfiledRWLock(name: "watchdog.config-\(tag)")
        let state = ProfiledLock(name: "watchdog.state-\(tag)")
        setenv("LOCKPROF_DEADLOCK_AFTER", "0.2", 1)
        defer { unsetenv("LOCKPROF_DEADLOCK_AFTER") }
        try LockProfiler.start(tracePath: path)
        let holding = Atomic<Int>(0)
        let systemThreads = Locked<[UInt64: String]>([:])
        let acquired = Locked<[Bool]>([])
        onThreads(2) { index in
            systemThreads.withLock { $0[lockprof_thread_id()] = "wd\(index)" }
            let got: Bool
            if index == 0 {
                config.lockRead()
                holding.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while holding.load(ordering: .sequentiallyConsistent) < 2 { usleep(100) }
                got = state.lock(timeout: .seconds(3))
                if got { state.unlock() }
                config.unlockRead()
            } else {
                state.lock()
                holding.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while holding.load(ordering: .sequentiallyConsistent) < 2 { usleep(100) }
                got = config.lockWrite(timeout: .seconds(3))
                if got { config.unlockWrite() }
                state.unlock()
            }
            acquired.withLock { $0.append(got) }
        }
        LockProfiler.stop()
        #expect(acquired.withLock { $0 }.contains(false), "one of the two gave up: it was a deadlock while it lasted")
        let (records, _) = try TraceReader.readAll(path: path)
        let run = WatchdogRun(
            trace: records,
            expected: ["wd0 holds \(config.name) waits for \(state.name)", "wd1 holds \(state.name) waits for \(config.name)"],
            names: systemThreads.withLock { $0 })
        #expect(run.records.count == 1)
        let record = try #require(run.records.first)
        #expect(run.describe(record) == run.expected)
    }

    @Test func aLongWaitForARunningHolderIsNoDeadlock() throws {
        // 1 s: five thresholds, and ten watchdog looks.
        let (records, name) = try waitForARunningHolder(environment: "LOCKPROF_DEADLOCK_AFTER", "0.2")
        let id = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        #expect(records.contains { if case .contention(let c) = $0 { c.lockID == id && c.waitNanoseconds > 200_000_000 } else { false } })
        #expect(records.deadlocks.isEmpty)
        #expect(records.stalls.isEmpty, "1 s is under the default stall limit of 10 s")
    }

    @Test func aWaitStuckPastTheStallLimitIsOneStallRecordAndNoDeadlock() throws {
        // The holder is alive, off doing something else for 1 s: three limits, ten looks.
        let (records, name) = try waitForARunningHolder(environment: "LOCKPROF_STALL_AFTER", "0.3")
        let id = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        #expect(records.deadlocks.isEmpty)
        // Once, though the watchdog saw the wait past the limit at every look until it ended.
        let stalls = records.stalls.filter { $0.waiter.waitsForLockID == id }
        #expect(stalls.count == 1)
        let stall = try #require(stalls.first)
        #expect(stall.waiter.waitNanoseconds >= 300_000_000)
        #expect(stall.waiter.heldLockIDs.isEmpty)
        #expect(stall.waiter.stackID != 0)
        // The report lists it, after any deadlock, with where it waited.
        let report = ContentionAnalysis.report(records: records)
        let stalled = try #require(report.stalls.first { $0.waitsFor == name })
        #expect(stalled.waitNanoseconds == stall.waiter.waitNanoseconds)
        #expect(!stalled.stack.isEmpty)
        #expect(TextReportRenderer().render(report).contains("STALLED: \(report.stalls.count) wait"))
    }

    /// One thread holding a new lock for 1 s (sleeping, not waiting on a lock) while another
    /// waits for it, recorded with `variable` set to `value`; the trace and the lock's name.
    func waitForARunningHolder(environment variable: String, _ value: String) throws -> (records: [TraceRecord], lock: String) {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "watchdog.long-\(UUID())")
        setenv(variable, value, 1)
        defer { unsetenv(variable) }
        try LockProfiler.start(tracePath: path)
        let held = Atomic<Bool>(false)
        onThreads(2) { index in
            if index == 0 {
                lock.withLock {
                    held.store(true, ordering: .sequentiallyConsistent)
                    usleep(1_000_000)
                }
            } else {
                while !held.load(ordering: .sequentiallyConsistent) { usleep(100) }
                lock.withLock {}
            }
        }
        LockProfiler.stop()
        return (try TraceReader.readAll(path: path).0, lock.name)
    }

    /// `locks` threads (called `wdI` by the test), thread i holding lock i and then waiting (3 s
    /// at most) for lock i + 1 (mod n), all holding before any waits; recorded with a 0.2 s threshold.
    func cycleDeadlocks(locks count: Int) throws -> WatchdogRun {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tag = UUID().uuidString.prefix(6)
        let locks = (0..<count).map { ProfiledLock(name: "watchdog.lock\($0)-\(tag)") }
        setenv("LOCKPROF_DEADLOCK_AFTER", "0.2", 1)
        defer { unsetenv("LOCKPROF_DEADLOCK_AFTER") }
        try LockProfiler.start(tracePath: path)
        let holding = Atomic<Int>(0)
        let systemThreads = Locked<[UInt64: String]>([:])  // NSLock: TSan cannot see Mutex's contended path
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                systemThreads.withLock { $0[lockprof_thread_id()] = "wd\(index)" }
                _ = holdThenWaitForNext(locks[index], locks[(index + 1) % count], holding: holding, threads: count)
                group.leave()
            }
            thread.start()
        }
        group.wait()
        LockProfiler.stop()
        let (records, _) = try TraceReader.readAll(path: path)
        let expected = (0..<count).map { "wd\($0) holds watchdog.lock\($0)-\(tag) waits for watchdog.lock\(($0 + 1) % count)-\(tag)" }
        return WatchdogRun(trace: records, expected: Set(expected), names: systemThreads.withLock { $0 })
    }

    struct WatchdogRun {
        var trace: [TraceRecord]
        var expected: Set<String>
        /// The test's name of each thread, by kernel thread id.
        var names: [UInt64: String]
        var records: [DeadlockRecord] { trace.deadlocks }

        /// "thread holds lock waits for lock", per waiter, by name.
        func describe(_ record: DeadlockRecord) -> Set<String> {
            var threads: [UInt32: String] = [:]
            for case .thread(let thread) in trace { threads[thread.threadID] = names[thread.systemThreadID] }
            let locks = Dictionary(trace.lockRecords.map { ($0.lockID, $0.name) }, uniquingKeysWith: { first, _ in first })
            return Set(record.waiters.map { waiter in
                "\(threads[waiter.threadID] ?? "?") holds \(waiter.heldLockIDs.map { locks[$0] ?? "?" }.joined(separator: ",")) "
                    + "waits for \(locks[waiter.waitsForLockID] ?? "?")"
            })
        }
    }
}

/// Takes `first`, waits until all `threads` hold theirs, then waits 3 s at most for `next`.
@inline(never)
func holdThenWaitForNext(_ first: ProfiledLock, _ next: ProfiledLock, holding: borrowing Atomic<Int>, threads: Int) -> Bool {
    first.lock()
    holding.wrappingAdd(1, ordering: .sequentiallyConsistent)
    while holding.load(ordering: .sequentiallyConsistent) < threads { usleep(100) }
    let acquired = next.lock(timeout: .seconds(3))
    if acquired { next.unlock() }
    first.unlock()
    return acquired
}

extension [TraceRecord] {
    var deadlocks: [DeadlockRecord] {
        compactMap { if case .deadlock(let deadlock) = $0 { deadlock } else { nil } }
    }

    var stalls: [StallRecord] {
        compactMap { if case .stall(let stall) = $0 { stall } else { nil } }
    }
}

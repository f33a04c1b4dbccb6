import CLockProfSupport
import Foundation
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

// Many sessions in one process (issue 17): nothing leaks from one recording into the next. In
// RecordingTests' suite (`.serialized`: one recording session at a time).
extension RecordingTests {
    /// One thread stops the session while another starts the next as soon as it can: the start
    /// must not begin before the old trace is finished, and the new session must be whole (a
    /// lock that lives and dies in it keeps its final counts in its trace).
    @Test func aStartRacingAStopWaitsUntilTheOldTraceIsFinished() throws {
        SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        let (first, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let second = directory.appendingPathComponent("second.bin").path
        let lock = ProfiledLock(name: "sessions.race-\(UUID())")
        try LockProfiler.start(tracePath: first)
        onThreads(3) { _ in
            for _ in 0..<3 { sleepWhileHoldingTheLock(lock) }
        }
        let stopping = Atomic<Bool>(false)
        let firstWasFinished = Locked<Bool?>(nil)
        onThreads(2) { role in
            if role == 0 {
                stopping.store(true, ordering: .releasing)
                LockProfiler.stop()
                return
            }
            while !stopping.load(ordering: .acquiring) {}
            while true {
                do throws(LockProfilerError) {
                    try LockProfiler.start(tracePath: second)
                    break
                } catch {
                    guard case .alreadyRecording = error else { return }
                }
            }
            let records = (try? TraceReader.readAll(path: first))?.0 ?? []
            firstWasFinished.withLock { $0 = records.contains { if case .end = $0 { true } else { false } } }
        }
        usleep(200_000)
        let name = "sessions.second-\(UUID())"
        do {
            let shortLived = ProfiledLock(name: name)
            for _ in 0..<42 { shortLived.withLock {} }
        }
        #expect(LockProfiler.isRecording)
        #expect(lockprof_is_recording() != 0)
        LockProfiler.stop()
        #expect(firstWasFinished.withLock { $0 } == true, "the second session started before the first trace was finished")
        let (records, _) = try TraceReader.readAll(path: second)
        let lockID = records.lockRecords.first { $0.name == name }?.lockID
        #expect(lockID.flatMap { records.lastStatistics(of: $0)?.acquisitions } == 42)
    }

    /// A waiter that went to sleep while nothing recorded never stamped its arrival; the release
    /// in the next session must not measure the hold from an arrival stamped sessions ago.
    @Test func aHoldThatBlockedAWaiterFromBeforeTheSessionIsNoLongerThanTheSession() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let earlier = directory.appendingPathComponent("earlier.bin").path
        let name = "sessions.stale-arrival-\(UUID())"
        let lock = ProfiledLock(name: name)
        // An earlier session stamps the lock's first-waiter arrival.
        try LockProfiler.start(tracePath: earlier)
        holdWhileAnotherThreadWaits(lock, microseconds: 5_000)
        LockProfiler.stop()
        usleep(300_000)
        // Not recording: a waiter goes to sleep behind this thread's hold.
        let finished = sleepBehindAHold(on: lock)
        let before = lockprof_now_ns()
        try LockProfiler.start(tracePath: path)
        usleep(20_000)
        lock.unlock()
        finished.wait()
        LockProfiler.stop()
        let sessionLength = lockprof_now_ns() - before

        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        let holds = records.compactMap { record -> UInt64? in
            if case .release(let release) = record, release.lockID == lockID { release.holdNanoseconds } else { nil }
        }
        #expect(!holds.isEmpty)
        #expect(holds.allSatisfy { $0 <= sessionLength }, "holds \(holds) ns, session \(sessionLength) ns")
        let statistics = try #require(records.lastStatistics(of: lockID))
        #expect(statistics.blockingHoldNanoseconds <= sessionLength)
    }

    /// A wait that began in one session and ends in the next is not written into the next trace
    /// as a wait that began before it, naming a waiter stack that trace never defines.
    @Test func aWaitThatSpansTwoSessionsStaysInsideTheTraceItIsWrittenTo() throws {
        SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let earlier = directory.appendingPathComponent("earlier.bin").path
        let name = "sessions.spanning-wait-\(UUID())"
        let lock = ProfiledLock(name: name)
        try LockProfiler.start(tracePath: earlier)
        let finished = sleepBehindAHold(on: lock)
        usleep(10_000)
        LockProfiler.stop()
        try LockProfiler.start(tracePath: path)
        usleep(10_000)
        lock.unlock()
        finished.wait()
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let sessionStart = try #require(records.compactMap { if case .process(let p) = $0 { p } else { nil } }.first)
            .startNanoseconds
        for case .contention(let event) in records {
            #expect(event.timeNanoseconds - event.waitNanoseconds >= sessionStart, "a wait that began before the session")
        }
        #expect(records.stackReferences.undefined.isEmpty, "undefined stacks: \(records.stackReferences.undefined)")
    }

    /// A blocking release publishes its stack for the waiter that takes over. When that waiter
    /// began waiting before the session, or took the lock over by spinning and released it
    /// without a slow release, nothing takes the stack; the next session must not start with it
    /// still published, to be blamed by a later, unrelated contention.
    @Test func aHolderStackLeftPublishedIsClearedWhenTheNextSessionStarts() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "sessions.holder-stack-\(UUID())")
        lock.core.sideSlots[SideSlot.holderStack].store(0x5eed, ordering: .relaxed)  // as an earlier session left it
        try LockProfiler.start(tracePath: path)
        let leftOver = lock.core.sideSlots[SideSlot.holderStack].load(ordering: .relaxed)
        LockProfiler.stop()
        #expect(leftOver == 0, "holder stack \(leftOver) still published in the new session")
    }

    /// Recording toggled many times while threads contend: every stack an event names is
    /// defined in the same trace. (This is what an acquiring read of the recording flag
    /// guarantees on weakly ordered CPUs; on x86 it holds either way, so here it guards the rest.)
    @Test func everyStackNamedInEachOfManyShortSessionsIsDefinedInIt() throws {
        SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "sessions.toggle-\(UUID())")
        let stopping = Atomic<Bool>(false)
        let workers = DispatchGroup()
        for _ in 0..<3 {
            workers.enter()
            Thread {
                while !stopping.load(ordering: .relaxed) { lock.withLock { _ = usleep(200) } }
                workers.leave()
            }.start()
        }
        var undefined: [Int: Set<UInt32>] = [:]
        var named = 0
        for session in 0..<12 {
            try LockProfiler.start(tracePath: path, overwrite: true)
            usleep(30_000)
            LockProfiler.stop()
            let (records, _) = try TraceReader.readAll(path: path)
            let (named: referenced, undefined: missing) = records.stackReferences
            named += referenced
            if !missing.isEmpty { undefined[session] = missing }
        }
        stopping.store(true, ordering: .relaxed)
        workers.wait()
        #expect(named > 0)
        #expect(undefined.isEmpty, "undefined stacks by session: \(undefined)")
    }
}

/// Takes `lock` and starts a thread that waits for it; returns once that thread sleeps on it,
/// with a semaphore signalled when the thread has had its turn (after this thread unlocks).
func sleepBehindAHold(on lock: ProfiledLock) -> DispatchSemaphore {
    lock.lock()
    let finished = DispatchSemaphore(value: 0)
    Thread {
        lock.withLock {}
        finished.signal()
    }.start()
    while lock.core.slots[LockSlot.sleepers].load(ordering: .relaxed) == 0 { usleep(1_000) }
    return finished
}

extension [TraceRecord] {
    /// How many stacks the events name, and those the trace never defines.
    var stackReferences: (named: Int, undefined: Set<UInt32>) {
        var defined: Set<UInt32> = [0]
        var referenced: Set<UInt32> = []
        for record in self {
            switch record {
            case .stack(let stack): defined.insert(stack.stackID)
            case .contention(let event): referenced.formUnion([event.waiterStackID, event.holderStackID])
            case .release(let event): referenced.insert(event.holderStackID)
            default: break
            }
        }
        referenced.remove(0)
        return (referenced.count, referenced.subtracting(defined))
    }
}

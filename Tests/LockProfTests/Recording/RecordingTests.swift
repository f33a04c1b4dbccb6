import Foundation
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

/// Tests that record a trace. Serialized: one recording session per process at a time.
@Suite(.serialized) struct RecordingTests {
    @Test func aLockHeldAcrossASleepIsContendedAndItsHolderStackNamesTheSleeper() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.sleepy-\(UUID())"
        let lock = ProfiledLock(name: name)
        try LockProfiler.start(tracePath: path)
        onThreads(4) { _ in
            for _ in 0..<5 { sleepWhileHoldingTheLock(lock) }
        }
        LockProfiler.stop()

        let counts = try #require(snapshot(of: name))
        #expect(counts.acquisitions == 20)
        #expect(counts.contendedAcquisitions > 0)
        #expect(counts.blockingHolds > 0)
        #expect(counts.waitNanoseconds > 2_000_000)
        // Each hold sleeps 3 ms: the longest wait is a few holds long, not microseconds or seconds.
        #expect(counts.maximumWaitNanoseconds > 1_000_000 && counts.maximumWaitNanoseconds < 1_000_000_000)
        #expect(counts.blockingHoldNanoseconds / max(counts.blockingHolds, 1) > 1_000_000)
        #expect(counts.waitHistogram.reduce(0, +) == counts.contendedAcquisitions)

        let (records, summary) = try TraceReader.readAll(path: path)
        #expect(summary.damage.isEmpty)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        let statistics = try #require(records.lastStatistics(of: lockID))
        #expect(statistics.acquisitions == 20)
        #expect(statistics.contendedAcquisitions == counts.contendedAcquisitions)
        #expect(records.contains { if case .end = $0 { true } else { false } })

        let holderStacks = Set(records.compactMap { record -> UInt32? in
            if case .release(let release) = record, release.lockID == lockID, release.holderStackID != 0 {
                return release.holderStackID
            }
            return nil
        })
        #expect(!holderStacks.isEmpty)
        let functions = records.functions(inStacks: holderStacks)
        #expect(functions.contains { $0.contains("sleepWhileHoldingTheLock") }, "holder frames: \(functions)")
    }

    @Test func aTimeoutIsRecordedWithTheWaitersStack() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.timeout-\(UUID())"
        let lock = ProfiledLock(name: name)
        try LockProfiler.start(tracePath: path)
        lock.lock()
        onThreads(1) { _ in _ = giveUpWaitingFor(lock) }
        lock.unlock()
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        let timeouts = records.compactMap { record -> ContentionRecord? in
            if case .contention(let event) = record, event.lockID == lockID, event.timedOut { return event }
            return nil
        }
        #expect(timeouts.count == 1)
        #expect((timeouts.first?.waitNanoseconds ?? 0) >= 10_000_000)
        let functions = records.functions(inStacks: Set(timeouts.map(\.waiterStackID)))
        #expect(functions.contains { $0.contains("giveUpWaitingFor") }, "waiter frames: \(functions)")
        let statistics = try #require(records.lastStatistics(of: lockID))
        #expect(statistics.timeouts == 1)
        // The timed-out wait counts like any other: in the total, the maximum and the histogram.
        #expect(statistics.waitHistogram.reduce(0, +) == statistics.contendedAcquisitions + 1)
        #expect(statistics.maximumWaitNanoseconds >= 10_000_000)
        #expect(statistics.waitNanoseconds >= 10_000_000)
    }

    @Test func aHoldMeasuredFromTheFirstWaitersArrivalIgnoresEarlierWaits() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.arrival-\(UUID())"
        let lock = ProfiledLock(name: name)
        try LockProfiler.start(tracePath: path)
        defer { LockProfiler.stop() }
        // An earlier episode of waiting, long ago.
        holdWhileAnotherThreadWaits(lock, microseconds: 5_000)
        usleep(60_000)
        // Pass the sampled acquisition so the next hold is not timed from its start.
        while (snapshot(of: name)?.acquisitions ?? 0) % TraceLimits.holdSampleInterval != 2 { lock.withLock {} }
        holdWhileAnotherThreadWaits(lock, microseconds: 5_000)
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        let releases = records.compactMap { record -> ReleaseRecord? in
            if case .release(let release) = record, release.lockID == lockID { release } else { nil }
        }
        let last = try #require(releases.last)
        #expect(!last.holdMeasuredFromAcquisition)
        #expect(last.holdNanoseconds < 40_000_000, "hold \(last.holdNanoseconds) ns includes the idle time before")
    }

    @Test func threadsThatRecordInTwoSessionsDefineTheirStacksInBothTraces() throws {
        // Symbols are not what this test is about, and symbolizing the test binary is slow.
        SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        let name = "recording.two-sessions-\(UUID())"
        let lock = ProfiledLock(name: name)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<3 {
            Thread {
                for _ in 0..<2 {
                    go.wait()
                    for _ in 0..<3 { sleepWhileHoldingTheLock(lock) }
                    done.signal()
                }
            }.start()
        }
        for _ in 0..<2 {
            let (path, directory) = temporaryTracePath()
            defer { try? FileManager.default.removeItem(at: directory) }
            try LockProfiler.start(tracePath: path)
            for _ in 0..<3 { go.signal() }
            for _ in 0..<3 { done.wait() }
            LockProfiler.stop()

            let (records, _) = try TraceReader.readAll(path: path)
            var defined: Set<UInt32> = []
            var referenced: Set<UInt32> = []
            for record in records {
                switch record {
                case .stack(let stack): defined.insert(stack.stackID)
                case .contention(let event): referenced.formUnion([event.waiterStackID, event.holderStackID])
                case .release(let event): referenced.insert(event.holderStackID)
                default: break
                }
            }
            referenced.remove(0)
            #expect(!referenced.isEmpty)
            #expect(referenced.isSubset(of: defined), "undefined stacks: \(referenced.subtracting(defined))")
        }
    }

    @Test func withoutASymbolizerFramesAreNamedFromTheDynamicSymbolTable() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.no-symbolizer-\(UUID())"
        let lock = ProfiledLock(name: name)
        SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { SessionSymbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        try LockProfiler.start(tracePath: path)
        onThreads(3) { _ in
            for _ in 0..<3 { sleepWhileHoldingTheLock(lock) }
        }
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        #expect(records.contains { if case .end = $0 { true } else { false } })
        let symbols = records.compactMap { if case .symbol(let symbol) = $0 { symbol } else { nil } }
        #expect(!symbols.isEmpty)
        #expect(symbols.allSatisfy { $0.file == nil && $0.line == nil })
    }

    @Test func startingTwiceIsAnErrorAndStopIsIdempotent() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        try LockProfiler.start(tracePath: path)
        #expect(throws: LockProfilerError.alreadyRecording(path: path)) {
            try LockProfiler.start(tracePath: path + ".other")
        }
        #expect(LockProfiler.isRecording)
        LockProfiler.stop()
        LockProfiler.stop()
        #expect(!LockProfiler.isRecording)
        #expect(throws: LockProfilerError.cannotRecord(.alreadyExists(path: path))) {
            try LockProfiler.start(tracePath: path)
        }
    }

    @Test func countsInTheTraceAreThoseOfTheSessionNotOfTheLocksWholeLife() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.baseline-\(UUID())"
        let lock = ProfiledLock(name: name)
        for _ in 0..<100 { lock.withLock {} }
        try LockProfiler.start(tracePath: path)
        for _ in 0..<30 { lock.withLock {} }
        LockProfiler.stop()
        for _ in 0..<7 { lock.withLock {} }

        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        #expect(records.lastStatistics(of: lockID)?.acquisitions == 30)
        #expect(snapshot(of: name)?.acquisitions == 137)
    }

    @Test func aLockThatDiesDuringTheSessionKeepsItsFinalCounts() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.short-lived-\(UUID())"
        try LockProfiler.start(tracePath: path)
        do {
            let lock = ProfiledLock(name: name)
            for _ in 0..<42 { lock.withLock {} }
        }
        usleep(250_000)  // past a checkpoint: the dead lock's final counts are in the trace
        // ... and the registry has forgotten it, so dead locks cost no memory while recording.
        #expect(snapshot(of: name) == nil)
        LockProfiler.stop()
        #expect(snapshot(of: name) == nil)
        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        #expect(records.lastStatistics(of: lockID)?.acquisitions == 42)
    }

    @Test func manyShortLivedThreadsHaveTheirRingsDrainedAndReclaimed() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.threads-\(UUID())"
        let lock = ProfiledLock(name: name)
        try LockProfiler.start(tracePath: path)
        for _ in 0..<20 {
            onThreads(4) { _ in
                for _ in 0..<50 { lock.withLock { _ = usleep(20) } }
            }
        }
        usleep(20_000)  // let the collector see the exits
        LockProfiler.stop()
        let liveRings = RingRegistry.shared.currentRings().count
        #expect(liveRings < 20, "rings still registered: \(liveRings)")
        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == name }?.lockID)
        let statistics = try #require(records.lastStatistics(of: lockID))
        #expect(statistics.acquisitions == 4_000)
        let contentions = records.filter { if case .contention(let event) = $0 { event.lockID == lockID } else { false } }
        let drops = records.reduce(UInt64(0)) { total, record in
            if case .drops(let drop) = record { total + drop.droppedEvents } else { total }
        }
        #expect(UInt64(contentions.count) + drops >= statistics.contendedAcquisitions)
    }
}

/// Like the bank account's `withdraw`: takes the lock and sleeps (simulated I/O) while holding it.
@inline(never)
func sleepWhileHoldingTheLock(_ lock: ProfiledLock) {
    lock.withLock { _ = usleep(3_000) }
}

/// Holds `lock` for `microseconds` while one other thread waits for it; returns once that thread
/// has had its turn.
func holdWhileAnotherThreadWaits(_ lock: ProfiledLock, microseconds: UInt32) {
    let arrived = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    lock.lock()
    Thread {
        arrived.signal()
        lock.withLock {}
        finished.signal()
    }.start()
    arrived.wait()
    usleep(microseconds)
    lock.unlock()
    finished.wait()
}

@inline(never)
func giveUpWaitingFor(_ lock: ProfiledLock) -> Bool {
    lock.lock(timeout: .milliseconds(15))
}

extension [TraceRecord] {
    var lockRecords: [LockRecord] {
        compactMap { if case .lock(let lock) = $0 { lock } else { nil } }
    }

    func lastStatistics(of lockID: UInt32) -> LockStatisticsRecord? {
        compactMap { if case .lockStatistics(let s) = $0, s.lockID == lockID { s } else { nil } }.last
    }

    /// Every function name (symbolized) appearing in the given stacks.
    func functions(inStacks stackIDs: Set<UInt32>) -> [String] {
        var symbols: [Frame: String] = [:]
        for case .symbol(let symbol) in self { symbols[symbol.frame] = symbol.function }
        var names: [String] = []
        for case .stack(let stack) in self where stackIDs.contains(stack.stackID) {
            names += stack.frames.compactMap { symbols[$0] }
        }
        return names
    }
}

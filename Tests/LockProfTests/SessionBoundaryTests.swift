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
        Symbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { Symbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        let (first, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let second = directory.appendingPathComponent("second.bin").path
        let lock = ProfiledLock(name: "sessions.race-\(UUID())")
        try LockProfiler.start(tracePath: first)
        onThreads(3) { _ in
            for _ in 0..<3 { sleepWhileHoldingTheLock(lock) }
        }
        let stopping = Atomic<Bool>(false)
        let firstWasFinished = Mutex<Bool?>(nil)
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

    /// Recording toggled many times while threads contend: every stack an event names is
    /// defined in the same trace. (This is what an acquiring read of the recording flag
    /// guarantees on weakly ordered CPUs; on x86 it holds either way, so here it guards the rest.)
    @Test func everyStackNamedInEachOfManyShortSessionsIsDefinedInIt() throws {
        Symbolizer.forcedSymbolizerPath.withLock { $0 = "" }
        defer { Symbolizer.forcedSymbolizerPath.withLock { $0 = nil } }
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "sessions.toggle-\(UUID())")
        let stopping = Atomic<Bool>(false)
        let workers = DispatchGroup()
        for _ in 0..<3 {
            workers.enter()
            Thread {
                while !stopping.load(ordering: .relaxed) { lock.withLock { usleep(200) } }
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
            var defined: Set<UInt32> = [0]
            var referenced: Set<UInt32> = []
            for record in records {
                switch record {
                case .stack(let stack): defined.insert(stack.stackID)
                case .contention(let event): referenced.formUnion([event.waiterStackID, event.holderStackID])
                case .release(let event): referenced.insert(event.holderStackID)
                default: break
                }
            }
            named += referenced.count
            if !referenced.isSubset(of: defined) { undefined[session] = referenced.subtracting(defined) }
        }
        stopping.store(true, ordering: .relaxed)
        workers.wait()
        #expect(named > 0)
        #expect(undefined.isEmpty, "undefined stacks by session: \(undefined)")
    }
}

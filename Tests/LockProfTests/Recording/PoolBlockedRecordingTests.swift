import Foundation
import LockProfAnalysis
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

/// Waits on a profiled lock made inside tasks block a thread of the Swift concurrency pool
/// (issue 21): the report says for how long, per lock, and counts no plain thread's wait. Part of
/// RecordingTests: one recording session per process at a time.
extension RecordingTests {
    @Test func waitsInATaskGroupArePoolBlockedAndThreadWaitsAreNot() async throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let suffix = UUID().uuidString
        let taskLock = ProfiledLock(name: "recording.pool-tasks-\(suffix)")
        let threadLock = ProfiledLock(name: "recording.pool-threads-\(suffix)")
        try LockProfiler.start(tracePath: path)
        // Tasks: a plain thread holds the lock until a task has arrived at it (and 50 ms more, so
        // that it sleeps in the kernel, where its stack is captured). Not all of them: the pool
        // may have fewer threads than there are tasks, and the waiting ones occupy them.
        let arrivals = Arrivals()
        let tasks = 4
        await holdingUntilArrival(taskLock, { arrivals.sales.load(ordering: .acquiring) > 0 }) {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<tasks { group.addTask { await recordSaleInTask(taskLock, index, arrivals) } }
            }
        }
        // Threads: the same on plain threads only.
        let threads = 3
        let gate = HolderGate()
        onThreads(threads + 1) { index in
            if index == 0 {
                threadLock.lock()
                gate.held.store(true, ordering: .releasing)
                while gate.arrived.load(ordering: .acquiring) < threads { usleep(1_000) }
                usleep(50_000)
                threadLock.unlock()
            } else {
                while !gate.held.load(ordering: .acquiring) { usleep(100) }
                gate.arrived.add(1, ordering: .releasing)
                threadLock.lock()
                threadLock.unlock()
            }
        }
        LockProfiler.stop()
        #expect(snapshot(of: taskLock.name)?.acquisitions == UInt64(1 + tasks))
        #expect(snapshot(of: threadLock.name)?.acquisitions == UInt64(1 + threads))

        let (records, _) = try TraceReader.readAll(path: path)
        var report = ContentionAnalysis.report(records: records, threshold: 0)
        report.locks = report.locks.filter { $0.name == taskLock.name || $0.name == threadLock.name }
        let inTasks = try #require(report.locks.first { $0.name == taskLock.name })
        let plainThreads = try #require(report.locks.first { $0.name == threadLock.name })

        // Every captured wait on the task lock was made in a task; none on the thread lock.
        let taskWaits = inTasks.waiterStacks.reduce(UInt64(0)) { $0 + $1.count }
        #expect(taskWaits > 0, "waiter stacks: \(inTasks.waiterStacks)")
        #expect(inTasks.poolBlockedWaits == taskWaits)
        #expect(inTasks.poolBlockedWaits <= inTasks.contendedAcquisitions)
        #expect(inTasks.poolBlockedNanoseconds > 0)
        #expect(inTasks.poolBlockedNanoseconds <= inTasks.waitNanoseconds)
        #expect(plainThreads.waiterStacks.reduce(UInt64(0)) { $0 + $1.count } > 0, "waiter stacks: \(plainThreads.waiterStacks)")
        #expect(plainThreads.poolBlockedWaits == 0)
        #expect(plainThreads.poolBlockedNanoseconds == 0)

        // The text says it under the task lock only; the JSON carries both figures per lock.
        let text = TextReportRenderer().render(report)
        let poolLines = text.split(separator: "\n").filter { $0.contains("blocked the Swift concurrency pool for") }
        #expect(poolLines.count == 1, "\(text)")
        #expect(poolLines.first?.hasSuffix("(\(taskWaits) wait\(taskWaits == 1 ? "" : "s") in tasks)") == true, "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(report).utf8)) as? [String: Any])
        let locks = try #require(json["locks"] as? [[String: Any]])
        let taskJSON = try #require(locks.first { $0["name"] as? String == taskLock.name })
        let threadJSON = try #require(locks.first { $0["name"] as? String == threadLock.name })
        #expect(taskJSON["pool_blocked_ns"] as? Int == Int(inTasks.poolBlockedNanoseconds))
        #expect(taskJSON["pool_blocked_waits"] as? Int == Int(taskWaits))
        #expect(threadJSON["pool_blocked_ns"] as? Int == 0)
        #expect(threadJSON["pool_blocked_waits"] as? Int == 0)

        // The live profile (what `/debug/pprof/block?debug=1` serves) folds the tasks' executor
        // frames the way the report does.
        let live = LockProfiler.pprofText(side: .waiter)
        let taskFrames = debugTextFrames(live, lock: taskLock.name)
        #expect(taskFrames.contains { $0.contains("recordSaleInTask") }, "\(live)")
        #expect(taskFrames.contains(ExecutorFolding.executorFrame), "\(taskFrames)")
        #expect(!taskFrames.contains { $0.hasPrefix("swift_job_run") || $0.hasPrefix("_dispatch_") }, "\(taskFrames)")
        #expect(!debugTextFrames(live, lock: threadLock.name).contains(ExecutorFolding.executorFrame))
    }
}

/// A holder thread's "I hold the lock" and the waiters' arrivals.
final class HolderGate: Sendable {
    let held = Atomic<Bool>(false)
    let arrived = Atomic<Int>(0)
}

/// The functions of the frames that Go's `?debug=1` text lists for `lock`, over all its samples.
func debugTextFrames(_ text: String, lock: String) -> [String] {
    var frames: [String] = []
    var inLock = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("# lock=") {
            inLock = line.hasPrefix("# lock=\(lock) ")
        } else if line.isEmpty {
            inLock = false
        } else if inLock, line.hasPrefix("#\t") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count >= 3 { frames.append(String(fields[2])) }
        }
    }
    return frames
}

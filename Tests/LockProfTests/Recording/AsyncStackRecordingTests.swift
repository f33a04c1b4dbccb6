import Foundation
import LockProfAnalysis
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

/// Waits inside tasks and actors (issue 21): the waiter's stack goes through the async context
/// chain to the task's callers, which are on no thread's stack, and the executor folds. Part of
/// RecordingTests: one recording session per process at a time.
extension RecordingTests {
    @Test func aWaitInATaskGroupAndAnActorShowsTheAsyncCallers() async throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "recording.async-\(UUID())"
        let lock = ProfiledLock(name: name)
        let ledger = SalesLedger(lock: lock)
        try LockProfiler.start(tracePath: path)
        // A plain thread holds the lock until a task has arrived at it, so that tasks wait: the
        // task group's first, then the actor's (two phases, so that neither waits for the other
        // to free one of the pool's few threads).
        let arrivals = Arrivals()
        await holdingUntilArrival(lock, { arrivals.sales.load(ordering: .acquiring) > 0 }) { await asyncSales(lock: lock, arrivals: arrivals) }
        await holdingUntilArrival(lock, { arrivals.audits.load(ordering: .acquiring) > 0 }) { await asyncAudits(ledger: ledger, arrivals: arrivals) }
        LockProfiler.stop()

        let counts = try #require(snapshot(of: name))
        #expect(counts.acquisitions == 2 + 4 + 2)
        #expect(await ledger.total == 6)
        #expect(counts.contendedAcquisitions > 0)

        let (records, _) = try TraceReader.readAll(path: path)
        // Threshold 0: every lock that made anyone wait is flagged, so the text shows its stacks.
        let report = ContentionAnalysis.report(records: records, threshold: 0)
        let lockReport = try #require(report.locks.first { $0.name == name })
        let stacks = lockReport.waiterStacks.map { $0.frames.map(\.shortDescription) }
        let task = stacks.first { $0.first?.hasPrefix("recordSaleInTask(_:_:_:) (async)") == true }
        let taskStack = try #require(task, "waiter stacks: \(stacks)")
        // The waiting function by its source name and line, then its two async callers, then
        // the executor in one line.
        #expect(taskStack.first?.contains("AsyncStackRecordingTests.swift:") == true, "\(taskStack)")
        let batch = try #require(taskStack.firstIndex { $0.hasPrefix("saleBatch(_:_:_:) (async)") }, "\(taskStack)")
        let closure = try #require(taskStack.firstIndex { $0.contains("in asyncSales(lock:arrivals:)") }, "\(taskStack)")
        #expect(batch < closure)
        // Once: the closure's partial-apply forwarder goes with the executor.
        #expect(taskStack.filter { $0.contains("in asyncSales(lock:arrivals:)") }.count == 1, "\(taskStack)")
        #expect(taskStack.contains(ExecutorFolding.executorFrame), "\(taskStack)")
        #expect(!taskStack.contains { $0.hasPrefix("swift_job_run") || $0.hasPrefix("_dispatch_") }, "\(taskStack)")
        // What a reader sees: the same frames in the text and the JSON report, no C++ name cut.
        let shown = report.limited(locks: .max, stacks: .max)
        let text = TextReportRenderer().render(shown)
        let json = JSONReportRenderer().render(shown)
        #expect(text.contains("recordSaleInTask(_:_:_:) (async)"), "\(text)")
        #expect(text.contains("saleBatch(_:_:_:) (async)"), "\(text)")
        for rendered in [text, json] {
            #expect(rendered.contains("recordSaleInTask("))
            #expect(rendered.contains("saleBatch("))
            #expect(rendered.contains("AsyncStackRecordingTests.swift"))
            #expect(rendered.contains(ExecutorFolding.executorFrame))
            #expect(!rendered.contains("(swift:)"))
        }
        if let actorStack = stacks.first(where: { $0.first?.contains("SalesLedger.post") == true }) {
            #expect(actorStack.contains { $0.hasPrefix("auditInTask(_:_:) (async)") }, "\(actorStack)")
        } else {
            Issue.record("no waiter stack inside the actor: \(stacks)")
        }
    }
}

/// An actor whose method takes the profiled lock.
actor SalesLedger {
    let lock: ProfiledLock
    var total = 0
    init(lock: ProfiledLock) { self.lock = lock }

    @inline(never) func post(_ amount: Int) {
        lock.lock()
        total += amount
        lock.unlock()
    }
}

/// How many tasks reached the lock, per phase.
final class Arrivals: Sendable {
    let sales = Atomic<Int>(0)
    let audits = Atomic<Int>(0)
}

/// Runs `body` while a plain thread holds `lock` from before `body` starts until `arrived()`,
/// and 50 ms more (the arrived task is then waiting in the kernel).
func holdingUntilArrival(_ lock: ProfiledLock, _ arrived: @escaping @Sendable () -> Bool, _ body: () async -> Void) async {
    await withUnsafeContinuation { (started: UnsafeContinuation<Void, Never>) in
        Thread {
            lock.lock()
            started.resume()
            while !arrived() { usleep(1_000) }
            usleep(50_000)
            lock.unlock()
        }.start()
    }
    await body()
}

/// Four tasks in a group, each recording a sale under the lock.
@inline(never) func asyncSales(lock: ProfiledLock, arrivals: Arrivals) async {
    await withTaskGroup(of: Void.self) { group in
        for index in 0..<4 { group.addTask { await saleBatch(lock, index, arrivals) } }
    }
}

/// Two tasks calling into the actor, whose method takes the lock.
@inline(never) func asyncAudits(ledger: SalesLedger, arrivals: Arrivals) async {
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<2 { group.addTask { await auditInTask(ledger, arrivals) } }
    }
}

@inline(never) func saleBatch(_ lock: ProfiledLock, _ index: Int, _ arrivals: Arrivals) async {
    await Task.yield()
    await recordSaleInTask(lock, index, arrivals)
    await Task.yield()
}

@inline(never) func recordSaleInTask(_ lock: ProfiledLock, _ index: Int, _ arrivals: Arrivals) async {
    await Task.yield()
    arrivals.sales.add(1, ordering: .releasing)
    lock.lock()
    blackHole(index)
    lock.unlock()
}

@inline(never) func auditInTask(_ ledger: SalesLedger, _ arrivals: Arrivals) async {
    await Task.yield()
    arrivals.audits.add(1, ordering: .releasing)
    await ledger.post(3)
    await Task.yield()
}

@inline(never) func blackHole(_ value: Int) { _ = value }

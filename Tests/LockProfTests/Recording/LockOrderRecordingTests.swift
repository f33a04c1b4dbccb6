import Foundation
import LockProfFormat
import Testing

@testable import LockProf

// In RecordingTests' suite: it is `.serialized`, and only one recording session runs at a time.
extension RecordingTests {
    @Test func oppositeOrdersOnTwoThreadsAreRecordedAsOneEdgeEachWithTheAcquiringStack() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = ProfiledLock(name: "order.a-\(UUID())")
        let b = ProfiledLock(name: "order.b-\(UUID())")
        try LockProfiler.start(tracePath: path)
        // One after the other: the run must not deadlock, the order alone is the finding.
        onThreads(1) { _ in for _ in 0..<50 { takeAThenB(a, b) } }
        onThreads(1) { _ in for _ in 0..<50 { takeBThenA(a, b) } }
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: [a, b])
        let (idA, idB) = (ids[0], ids[1])
        let orders = records.lockOrders.filter { [idA, idB].contains($0.heldLockID) }
        #expect(orders.map { [$0.heldLockID, $0.acquiredLockID] } == [[idA, idB], [idB, idA]])
        #expect(orders[0].threadID != orders[1].threadID)
        #expect(records.functions(inStacks: [orders[0].stackID]).contains { $0.contains("takeAThenB") })
        #expect(records.functions(inStacks: [orders[1].stackID]).contains { $0.contains("takeBThenA") })
        // Counting is untouched by the order bookkeeping.
        #expect(records.lastStatistics(of: idA)?.acquisitions == 100)
        #expect(records.lastStatistics(of: idB)?.acquisitions == 100)
    }

    @Test func locksTakenOneAtATimeOrderNothingAndReleasesEmptyTheHeldStack() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = ProfiledLock(name: "order.alone-a-\(UUID())")
        let b = ProfiledLock(name: "order.alone-b-\(UUID())")
        let c = ProfiledLock(name: "order.alone-c-\(UUID())")
        try LockProfiler.start(tracePath: path)
        onThreads(1) { _ in
            for _ in 0..<10 {
                a.withLock {}
                b.withLock {}
                // Released out of order: a's entry is removed from the middle.
                a.lock()
                b.lock()
                a.unlock()
                c.withLock {}  // b → c only: a is no longer held
                b.unlock()
            }
        }
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: [a, b, c])
        let (idA, idB, idC) = (ids[0], ids[1], ids[2])
        let orders = records.lockOrders.filter { [idA, idB, idC].contains($0.heldLockID) }
        #expect(orders.map { [$0.heldLockID, $0.acquiredLockID] } == [[idA, idB], [idB, idC]])
    }

    @Test func aTryLockOrdersWhatFollowsButNothingBeforeIt() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = ProfiledLock(name: "order.try-a-\(UUID())")
        let b = ProfiledLock(name: "order.try-b-\(UUID())")
        let c = ProfiledLock(name: "order.try-c-\(UUID())")
        try LockProfiler.start(tracePath: path)
        onThreads(1) { _ in
            a.withLock {
                if b.tryLock() {
                    c.withLock {}
                    b.unlock()
                }
            }
        }
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: [a, b, c])
        let (idA, idB, idC) = (ids[0], ids[1], ids[2])
        let pairs = Set(records.lockOrders.filter { [idA, idB].contains($0.heldLockID) }.map { [$0.heldLockID, $0.acquiredLockID] })
        #expect(pairs == [[idA, idC], [idB, idC]])
    }

    @Test func aTimedLockThatGivesUpStillRecordsTheOrderItTried() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = ProfiledLock(name: "order.timeout-a-\(UUID())")
        let b = ProfiledLock(name: "order.timeout-b-\(UUID())")
        try LockProfiler.start(tracePath: path)
        b.lock()
        onThreads(1) { _ in
            a.withLock { _ = giveUpWaitingFor(b) }
        }
        b.unlock()
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: [a, b])
        let (idA, idB) = (ids[0], ids[1])
        let orders = records.lockOrders.filter { $0.heldLockID == idA }
        #expect(orders.map(\.acquiredLockID) == [idB])
        #expect(records.functions(inStacks: [orders.first?.stackID ?? 0]).contains { $0.contains("giveUpWaitingFor") })
    }

    @Test func nestingOutsideASessionRecordsNoOrder() throws {
        let a = ProfiledLock(name: "order.unrecorded-a-\(UUID())")
        let b = ProfiledLock(name: "order.unrecorded-b-\(UUID())")
        // Taken before the session: nothing is pushed, so the session sees no held lock.
        a.lock()
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        try LockProfiler.start(tracePath: path)
        onThreads(1) { _ in _ = 0 }
        b.withLock {}
        a.unlock()
        LockProfiler.stop()
        let (records, _) = try TraceReader.readAll(path: path)
        let idB = try #require(records.lockRecords.first { $0.name == b.name }?.lockID)
        #expect(records.lastStatistics(of: idB)?.acquisitions == 1)
        #expect(!records.lockOrders.contains { $0.acquiredLockID == idB })
    }
}

@inline(never)
func takeAThenB(_ a: ProfiledLock, _ b: ProfiledLock) {
    a.withLock { b.withLock {} }
}

@inline(never)
func takeBThenA(_ a: ProfiledLock, _ b: ProfiledLock) {
    b.withLock { a.withLock {} }
}

extension [TraceRecord] {
    /// The trace ids of `locks`, in order (found by name).
    func lockIDs(of locks: [ProfiledLock]) throws -> [UInt32] {
        try locks.map { lock in try #require(lockRecords.first { $0.name == lock.name }?.lockID) }
    }

    var lockOrders: [LockOrderRecord] {
        compactMap { if case .lockOrder(let order) = $0 { order } else { nil } }
    }
}

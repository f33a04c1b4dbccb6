import Foundation
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

// In RecordingTests' suite: it is `.serialized`, and only one recording session runs at a time.
extension RecordingTests {
    @Test func readersWaitingForAWriterAreTheReaderSidesWaitAndBlameTheWriter() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledRWLock(name: "family.cache-\(UUID())")
        try LockProfiler.start(tracePath: path)
        // First, four readers at once: they never wait for each other.
        onThreads(4) { _ in for _ in 0..<1_000 { lock.withReadLock {} } }
        let readersAlone = try #require(snapshot(of: lock.name))
        // Then a writer holds it across a sleep while three readers arrive.
        let writerIn = Atomic(false)
        onThreads(4) { index in
            if index == 0 {
                writeSlowly(lock, holding: writerIn, untilSleepers: 3)
            } else {
                _ = eventually { writerIn.load(ordering: .relaxed) }
                lock.withReadLock {}
            }
        }
        LockProfiler.stop()

        #expect(readersAlone.contendedAcquisitions == 0)
        #expect(readersAlone.sharedAcquisitions == 4_000)
        let counts = try #require(snapshot(of: lock.name))
        #expect(counts.acquisitions == 4_004)
        #expect(counts.sharedAcquisitions == 4_003)
        #expect(counts.sharedContendedAcquisitions == 3)
        #expect(counts.contendedAcquisitions == 3)
        #expect(counts.sharedWaitNanoseconds == counts.waitNanoseconds)
        #expect(counts.sharedWaitNanoseconds > 3 * 10_000_000)

        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == lock.name }?.lockID)
        #expect(records.lockRecords.first { $0.lockID == lockID }?.kind == .rwlock)
        let statistics = try #require(records.lastStatistics(of: lockID))
        #expect(statistics.sharedContendedAcquisitions == 3)
        #expect(statistics.sharedAcquisitions == 4_003)
        let holders = Set(records.compactMap { record -> UInt32? in
            if case .contention(let event) = record, event.lockID == lockID, event.holderStackID != 0 { return event.holderStackID }
            return nil
        })
        #expect(records.functions(inStacks: holders).contains { $0.contains("writeSlowly") })
    }

    @Test func timeAsleepInAConditionIsConditionWaitNotContention() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "family.queue-lock-\(UUID())")
        let ready = ProfiledCondition(lock: lock, name: "family.queue-ready-\(UUID())")
        let flag = UnsafeCounter()
        try LockProfiler.start(tracePath: path)
        onThreads(2) { index in
            if index == 0 {
                lock.withLock { while flag.value == 0 { _ = ready.wait(timeout: .seconds(20)) } }
            } else {
                _ = eventually { sleepers(ready.core) == 1 }
                usleep(30_000)
                lock.withLock { flag.value = 1 }
                ready.signal()
            }
        }
        LockProfiler.stop()

        let condition = try #require(snapshot(of: ready.name))
        #expect(condition.conditionWaitNanoseconds >= 30_000_000)
        #expect(condition.waitNanoseconds == 0)
        #expect(condition.signals == 1)
        let (records, _) = try TraceReader.readAll(path: path)
        let conditionID = try #require(records.lockRecords.first { $0.name == ready.name }?.lockID)
        let statistics = try #require(records.lastStatistics(of: conditionID))
        #expect(statistics.conditionWaitNanoseconds >= 30_000_000)
        #expect(statistics.waitNanoseconds == 0)
        // The lock was free while the consumer slept: its wait is not the sleep.
        let lockStatistics = try #require(records.lastStatistics(of: try records.lockIDs(of: [lock])[0]))
        #expect(lockStatistics.waitNanoseconds < 30_000_000)
    }

    @Test func aWaitOnAnExhaustedSemaphoreBlamesThePermitHolder() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = ProfiledSemaphore(value: 1, name: "family.pool-\(UUID())")
        let holding = Atomic(false)
        try LockProfiler.start(tracePath: path)
        onThreads(2) { index in
            if index == 0 {
                workHoldingAPermit(pool, holding: holding)
            } else {
                _ = eventually { holding.load(ordering: .relaxed) }
                pool.withPermit {}
            }
        }
        LockProfiler.stop()

        let counts = try #require(snapshot(of: pool.name))
        #expect(counts.acquisitions == 2)
        #expect(counts.contendedAcquisitions == 1)
        #expect(counts.waitNanoseconds > 10_000_000)
        #expect(counts.blockingHolds == 1)
        let (records, _) = try TraceReader.readAll(path: path)
        let poolID = try #require(records.lockRecords.first { $0.name == pool.name }?.lockID)
        let contentions = records.compactMap { record -> ContentionRecord? in
            if case .contention(let event) = record, event.lockID == poolID { return event }
            return nil
        }
        #expect(contentions.count == 1)
        let holderFunctions = records.functions(inStacks: Set(contentions.map(\.holderStackID)))
        #expect(holderFunctions.contains { $0.contains("workHoldingAPermit") }, "\(holderFunctions)")
    }

    @Test func reentriesAreRecordedApartFromAcquisitions() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledRecursiveLock(name: "family.recursive-recorded-\(UUID())")
        try LockProfiler.start(tracePath: path)
        onThreads(4) { _ in
            for _ in 0..<500 { lock.withLock { lock.withLock { lock.withLock {} } } }
        }
        LockProfiler.stop()
        let (records, _) = try TraceReader.readAll(path: path)
        let lockID = try #require(records.lockRecords.first { $0.name == lock.name }?.lockID)
        let statistics = try #require(records.lastStatistics(of: lockID))
        #expect(statistics.acquisitions == 2_000)
        #expect(statistics.reentries == 4_000)
        // Re-entries are not lock order: the lock is never ordered against itself.
        #expect(!records.lockOrders.contains { $0.acquiredLockID == lockID || $0.heldLockID == lockID })
    }
}

/// Holds the write lock, announcing once it holds it, until `waiters` threads sleep on it, then 20 ms more.
@inline(never)
func writeSlowly(_ lock: ProfiledRWLock, holding: borrowing Atomic<Bool>, untilSleepers waiters: UInt64) {
    lock.withWriteLock {
        holding.store(true, ordering: .relaxed)
        // Hold until every reader sleeps on the lock (on a loaded machine a reader may not run for
        // a while), then long enough for each wait to pass 10 ms.
        _ = eventually { sleepers(lock.core) == waiters }
        usleep(20_000)
    }
}

/// Holds a permit across a 20 ms sleep, announcing once it holds it.
@inline(never)
func workHoldingAPermit(_ pool: ProfiledSemaphore, holding: borrowing Atomic<Bool>) {
    pool.wait()
    holding.store(true, ordering: .relaxed)
    // Hold until the other thread sleeps on the pool (on a loaded machine it may not run for a
    // while), then long enough for its wait to pass 10 ms.
    _ = eventually { sleepers(pool.core) == 1 }
    usleep(20_000)
    pool.signal()
}

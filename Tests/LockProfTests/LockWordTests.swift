import CLockProfSupport
import Foundation
import Testing

@testable import LockProf

// The lock word says what its release must do (LockCore.swift, "The lock word and its
// protocol"): 1 when acquired while not recording, 5 when the acquisition pushed the lock on the
// thread's held locks (its release also finds the 1-in-64 timed holds), | 8 when a hold that
// began with a spin is timed, 2 when a thread may sleep. A release that finds anything but what
// its acquisition left takes the slow path. These tests cross those cases, in RecordingTests'
// suite (`.serialized`: one recording session at a time).
extension RecordingTests {
    @Test func aHoldThatSpansTheStartOrStopOfASessionLeavesNothingHeldAndTheLockFree() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "word.span-lock-\(UUID())")
        let mutex = ProfiledMutex(0, name: "word.span-mutex-\(UUID())")
        let heldCounts = HeldCounts()
        onThreads(1) { _ in
            // Taken before the session (word 1), released during it: `unlock()` expects 5 now.
            lock.lock()
            try! LockProfiler.start(tracePath: path)
            lock.unlock()
            heldCounts.append(lockprof_held_count())
            // Taken during it (word 5, pushed), released after it: `unlock()` expects 1 now.
            lock.lock()
            heldCounts.append(lockprof_held_count())
            LockProfiler.stop()
            lock.unlock()
            heldCounts.append(lockprof_held_count())
            // The same across withLock, which releases with the word its acquisition left.
            mutex.withLock { value in
                value += 1
                try! LockProfiler.start(tracePath: path, overwrite: true)
            }
            heldCounts.append(lockprof_held_count())
            mutex.withLock { value in
                value += 1
                LockProfiler.stop()
            }
            heldCounts.append(lockprof_held_count())
        }
        #expect(heldCounts.values == [0, 1, 0, 0, 0])
        #expect(lock.core.word.pointee.load(ordering: .relaxed) == 0)
        #expect(mutex.storage.core.word.pointee.load(ordering: .relaxed) == 0)
        #expect(mutex.withLock { $0 } == 2)
        #expect(lock.tryLock())
        lock.unlock()
    }

    @Test func everySixtyFourthAcquisitionWhileRecordingIsTimedWhicheverCallTookIt() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lockName = "word.sampled-lock-\(UUID())"
        let mutexName = "word.sampled-mutex-\(UUID())"
        let lock = ProfiledLock(name: lockName)
        let mutex = ProfiledMutex(0, name: mutexName)
        let heldCounts = HeldCounts()
        try LockProfiler.start(tracePath: path)
        onThreads(1) { _ in
            for round in 0..<640 {
                switch round % 4 {
                case 0:
                    lock.lock()
                    lock.unlock()
                case 1: lock.withLock {}
                case 2:
                    #expect(lock.tryLock())
                    lock.unlock()
                default: #expect(lock.lock(timeout: .seconds(1)))
                    lock.unlock()
                }
                mutex.withLock { $0 += 1 }
                #expect(mutex.withLockIfAvailable { $0 } != nil)
            }
            heldCounts.append(lockprof_held_count())
        }
        LockProfiler.stop()
        // One thread, no contention: the 1st, 65th, … acquisitions are the timed ones, and the
        // release of each finds the timed mark in the word.
        let lockCounts = try #require(snapshot(of: lockName))
        #expect(lockCounts.acquisitions == 640)
        #expect(lockCounts.sampledHolds == 10)
        #expect(lockCounts.contendedAcquisitions == 0)
        let mutexCounts = try #require(snapshot(of: mutexName))
        #expect(mutexCounts.acquisitions == 1_280)
        #expect(mutexCounts.sampledHolds == 20)
        #expect(heldCounts.values == [0])
        #expect(lock.core.word.pointee.load(ordering: .relaxed) == 0)
        #expect(mutex.storage.core.word.pointee.load(ordering: .relaxed) == 0)
    }

    @Test func fourThreadsRecordingCountExactlyAndLeaveNothingHeld() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "word.hammer-\(UUID())"
        let lock = ProfiledLock(name: name)
        let counter = UnsafeCounter()
        let heldCounts = HeldCounts()
        try LockProfiler.start(tracePath: path)
        // Timed marks (1 in 64), pushed holds and sleepers' 2s all meet on one word.
        onThreads(4) { index in
            for round in 0..<20_000 {
                if (round + index) % 2 == 0 {
                    lock.withLock { counter.value += 1 }
                } else {
                    lock.lock()
                    counter.value += 1
                    if round % 1_000 == 0 { usleep(100) }  // long enough for others to sleep
                    lock.unlock()
                }
            }
            heldCounts.append(lockprof_held_count())
        }
        LockProfiler.stop()
        #expect(counter.value == 80_000)
        let counts = try #require(snapshot(of: name))
        #expect(counts.acquisitions == 80_000)
        #expect(counts.sampledHolds > 0)
        #expect(heldCounts.values == [0, 0, 0, 0])
        #expect(lock.core.word.pointee.load(ordering: .relaxed) == 0)
    }
}

/// Values appended from several threads.
final class HeldCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt32] = []
    var values: [UInt32] { lock.withLock { storage } }
    func append(_ value: UInt32) { lock.withLock { storage.append(value) } }
}

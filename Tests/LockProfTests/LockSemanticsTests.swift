import Foundation
import LockProf
import Synchronization
import Testing

@Suite struct LockSemanticsTests {
    @Test func eightThreadsCountEveryAcquisitionExactly() {
        let name = "semantics.exact-\(UUID())"
        let lock = ProfiledLock(name: name)
        let counter = UnsafeCounter()
        onThreads(8) { _ in
            for _ in 0..<100_000 { lock.withLock { counter.value += 1 } }
        }
        #expect(counter.value == 800_000)
        #expect(snapshot(of: name)?.acquisitions == 800_000)
    }

    @Test func profiledMutexSwapsInForMutexAndCountsExactly() {
        let name = "semantics.mutex-\(UUID())"
        let total = ProfiledMutex(0, name: name)
        onThreads(8) { _ in
            for _ in 0..<100_000 { total.withLock { $0 += 1 } }
        }
        #expect(total.withLock { $0 } == 800_000)
        #expect(snapshot(of: name)?.acquisitions == 800_001)
    }

    @Test func profiledMutexHoldsNoncopyableValuesAndThrowsTypedErrors() {
        struct Token: ~Copyable { var uses = 0 }
        struct Refused: Error {}
        let mutex = ProfiledMutex(Token())
        mutex.withLock { $0.uses += 1 }
        #expect(throws: Refused.self) { try mutex.withLock { (_: inout Token) throws(Refused) in throw Refused() } }
        #expect(mutex.withLock { $0.uses } == 1)
    }

    @Test func aLockUsedByOneThreadIsNeverContended() {
        let name = "semantics.private-\(UUID())"
        let lock = ProfiledLock(name: name)
        for _ in 0..<10_000 { lock.withLock {} }
        let counts = snapshot(of: name)
        #expect(counts?.acquisitions == 10_000)
        #expect(counts?.contendedAcquisitions == 0)
    }

    @Test func tryLockFailsWhileAnotherThreadHoldsTheLockAndIsCounted() {
        let name = "semantics.try-\(UUID())"
        let lock = ProfiledLock(name: name)
        lock.lock()
        let attempt = Locked<Bool?>(nil)
        onThreads(1) { _ in attempt.withLock { $0 = lock.tryLock() } }
        #expect(attempt.withLock { $0 } == false)
        lock.unlock()
        #expect(lock.tryLock())
        lock.unlock()
        let counts = snapshot(of: name)
        #expect(counts?.failedTryLocks == 1)
        #expect(counts?.acquisitions == 2)
    }

    @Test func withLockIfAvailableReturnsNilInsteadOfWaiting() {
        let mutex = ProfiledMutex(5)
        let lockHeld = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            mutex.withLock { _ in
                lockHeld.signal()
                release.wait()
            }
        }
        holder.start()
        lockHeld.wait()
        #expect(mutex.withLockIfAvailable { $0 } == nil)
        release.signal()
        while mutex.withLockIfAvailable({ $0 }) == nil { usleep(100) }
        #expect(mutex.withLockIfAvailable { $0 } == 5)
    }

    @Test func lockWithTimeoutGivesUpWhileHeldAndSucceedsOnceReleased() {
        let name = "semantics.timeout-\(UUID())"
        let lock = ProfiledLock(name: name)
        lock.lock()
        let first = Locked<Bool?>(nil)
        onThreads(1) { _ in first.withLock { $0 = lock.lock(timeout: .milliseconds(20)) } }
        #expect(first.withLock { $0 } == false)

        let second = Locked<Bool?>(nil)
        let waiter = Thread {
            let acquired = lock.lock(timeout: .seconds(10))
            second.withLock { $0 = acquired }
            if acquired { lock.unlock() }
        }
        waiter.start()
        usleep(20_000)
        lock.unlock()
        while second.withLock({ $0 }) == nil { usleep(1_000) }
        #expect(second.withLock { $0 } == true)
        let counts = snapshot(of: name)
        #expect(counts?.timeouts == 1)
        #expect(counts?.acquisitions == 2)
    }

    @Test func unnamedLocksAreNamedAfterTheirCreationSite() {
        let lock = ProfiledLock()
        #expect(lock.name == "LockProfTests/LockSemanticsTests.swift:\(#line - 1)")
    }

    @Test func noWakeUpIsLostWhenManyThreadsSleepOnOneLock() {
        // Holds long enough that waiters go to sleep in the futex, many times over.
        let name = "semantics.sleepers-\(UUID())"
        let lock = ProfiledLock(name: name)
        let counter = UnsafeCounter()
        onThreads(6) { _ in
            for _ in 0..<200 {
                lock.withLock {
                    counter.value += 1
                    usleep(50)
                }
            }
        }
        #expect(counter.value == 1_200)
        #expect(snapshot(of: name)?.acquisitions == 1_200)
    }
}

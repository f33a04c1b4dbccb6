import CLockProfSupport
import Foundation
import Synchronization
import Testing

@testable import LockProf

/// Waits (polling) until `condition` holds; false after `seconds`.
func eventually(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > end { return false }
        usleep(200)
    }
    return true
}

/// The number of threads asleep on (or about to sleep on) a profiled primitive.
func sleepers(_ core: LockCore) -> UInt64 {
    core.slots[LockSlot.sleepers].load(ordering: .relaxed)
}

/// Whether the kernel thread `tid` of this process is asleep (state `S` in
/// /proc/self/task/<tid>/stat). A thread counted in `sleepers` is only *about* to call into
/// pthread; once it is also asleep it is queued on the lock, not still on its way there.
func kernelThreadIsAsleep(_ tid: UInt64) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
        let afterName = stat.range(of: ") ", options: .backwards)
    else { return false }
    return stat[afterName.upperBound...].first == "S"
}

@Suite struct RecursiveLockTests {
    @Test func eightThreadsCountOutermostAcquisitionsAndReentriesExactly() {
        let name = "family.recursive-\(UUID())"
        let lock = ProfiledRecursiveLock(name: name)
        let counter = UnsafeCounter()
        onThreads(8) { _ in
            for _ in 0..<10_000 {
                lock.withLock {
                    counter.value += 1
                    lock.withLock { counter.value += 1 }
                }
            }
        }
        #expect(counter.value == 160_000)
        let counts = snapshot(of: name)
        #expect(counts?.kind == .recursive)
        #expect(counts?.acquisitions == 80_000)
        #expect(counts?.reentries == 80_000)
        #expect((counts?.contendedAcquisitions ?? .max) <= 80_000)
    }

    @Test func theHolderReentersAndOthersWaitUntilTheLastUnlock() {
        let name = "family.reentrant-\(UUID())"
        let lock = ProfiledRecursiveLock(name: name)
        lock.lock()
        #expect(lock.tryLock())
        #expect(lock.lock(timeout: .milliseconds(1)))
        let othersTry = Locked<[Bool]>([])
        func otherThreadTries() {
            onThreads(1) { _ in
                let got = lock.tryLock()
                if got { lock.unlock() }
                othersTry.withLock { $0.append(got) }
            }
        }
        otherThreadTries()
        lock.unlock()
        lock.unlock()
        otherThreadTries()
        lock.unlock()
        otherThreadTries()
        #expect(othersTry.withLock { $0 } == [false, false, true])
        let counts = snapshot(of: name)
        #expect(counts?.acquisitions == 2)  // this thread's outermost one, the other thread's last try
        #expect(counts?.reentries == 2)
        #expect(counts?.failedTryLocks == 2)
        #expect(counts?.contendedAcquisitions == 0)
    }
}

@Suite struct RWLockTests {
    @Test func eightThreadsCountBothSidesExactly() {
        let name = "family.rwlock-\(UUID())"
        let lock = ProfiledRWLock(name: name)
        let value = UnsafeCounter()
        let sums = Locked(0)
        onThreads(8) { index in
            if index < 2 {
                for _ in 0..<2_000 { lock.withWriteLock { value.value += 1 } }
            } else {
                var seen = 0
                for _ in 0..<10_000 { seen = max(seen, lock.withReadLock { value.value }) }
                sums.withLock { $0 = max($0, seen) }
            }
        }
        #expect(value.value == 4_000)
        #expect(sums.withLock { $0 } <= 4_000)
        let counts = snapshot(of: name)
        #expect(counts?.kind == .rwlock)
        #expect(counts?.acquisitions == 64_000)
        #expect(counts?.sharedAcquisitions == 60_000)
        #expect((counts?.sharedContendedAcquisitions ?? .max) <= (counts?.contendedAcquisitions ?? 0))
    }

    @Test func twoReadersAreInsideAtOnce() {
        let lock = ProfiledRWLock(name: "family.readers-\(UUID())")
        let inside = Atomic(0)
        let bothInside = Atomic(false)
        onThreads(2) { _ in
            lock.withReadLock {
                inside.wrappingAdd(1, ordering: .relaxed)
                // Neither leaves before the other is in: only possible if both hold it at once.
                if eventually({ inside.load(ordering: .relaxed) == 2 }) { bothInside.store(true, ordering: .relaxed) }
            }
        }
        let bothInsideValue = bothInside.load(ordering: .relaxed)
        #expect(bothInsideValue)
    }

    @Test func aWriterExcludesReadersAndWriters() {
        let lock = ProfiledRWLock(name: "family.writer-\(UUID())")
        lock.lockWrite()
        let attempts = Locked<[Bool]>([])
        onThreads(1) { _ in
            let read = lock.tryLockRead()
            let write = lock.tryLockWrite()
            let timedRead = lock.lockRead(timeout: .milliseconds(5))
            attempts.withLock { $0 = [read, write, timedRead] }
        }
        lock.unlockWrite()
        #expect(attempts.withLock { $0 } == [false, false, false])
        lock.lockRead()
        onThreads(1) { _ in
            let write = lock.tryLockWrite()
            let read = lock.tryLockRead()
            if read { lock.unlockRead() }
            attempts.withLock { $0 = [write, read] }
        }
        lock.unlockRead()
        #expect(attempts.withLock { $0 } == [false, true])
        let counts = snapshot(of: lock.name)
        #expect(counts?.failedTryLocks == 3)
        #expect(counts?.timeouts == 1)
        #expect(counts?.acquisitions == 3)
    }

    @Test func aWaitingWriterKeepsNewReadersOut() {
        let lock = ProfiledRWLock(name: "family.preference-\(UUID())")
        let readerIn = Atomic(false)
        let newReaderTried = Atomic(false)
        let newReaderGotIn = Atomic(true)
        let writerDone = Atomic(false)
        let writerThread = Atomic<UInt64>(0)
        onThreads(3) { index in
            switch index {
            case 0:  // the first reader: holds until the new reader has tried
                lock.lockRead()
                readerIn.store(true, ordering: .relaxed)
                _ = eventually { newReaderTried.load(ordering: .relaxed) }
                lock.unlockRead()
            case 1:  // the writer: waits behind the first reader
                _ = eventually { readerIn.load(ordering: .relaxed) }
                writerThread.store(lockprof_thread_id(), ordering: .relaxed)
                lock.withWriteLock { writerDone.store(true, ordering: .relaxed) }
            default:  // the new reader: once the writer waits, it must not overtake it
                // Counted as a sleeper is not yet queued in pthread: wait until it is asleep too.
                let queued = eventually {
                    let writer = writerThread.load(ordering: .relaxed)
                    return sleepers(lock.core) == 1 && writer != 0 && kernelThreadIsAsleep(writer)
                }
                if queued {
                    let got = lock.tryLockRead()
                    if got { lock.unlockRead() }
                    newReaderGotIn.store(got, ordering: .relaxed)
                }
                newReaderTried.store(true, ordering: .relaxed)
            }
        }
        let newReaderGotInValue = newReaderGotIn.load(ordering: .relaxed)
        #expect(!newReaderGotInValue)
        let writerDoneValue = writerDone.load(ordering: .relaxed)
        #expect(writerDoneValue)
        let counts = snapshot(of: lock.name)
        #expect(counts?.acquisitions == 2)
        #expect(counts?.contendedAcquisitions == 1)
        #expect(counts?.sharedContendedAcquisitions == 0)
        #expect(counts?.failedTryLocks == 1)
    }
}

@Suite struct ConditionTests {
    @Test func producersAndConsumersLoseNoSignal() {
        let lock = ProfiledLock(name: "family.queue-\(UUID())")
        let nonEmpty = ProfiledCondition(lock: lock, name: "family.non-empty-\(UUID())")
        let queue = UnsafeQueue()
        let perProducer = 2_000
        onThreads(8) { index in
            if index < 4 {
                for item in 0..<perProducer {
                    lock.withLock {
                        queue.items.append(item)
                        queue.produced += 1
                    }
                    nonEmpty.signal()
                }
            } else {
                while true {
                    let done: Bool = lock.withLock {
                        while queue.items.isEmpty && queue.consumed < 4 * perProducer {
                            // A lost signal would leave this consumer asleep: it shows as a timeout.
                            _ = nonEmpty.wait(timeout: .seconds(20))
                        }
                        guard queue.consumed < 4 * perProducer else { return true }
                        queue.items.removeLast()
                        queue.consumed += 1
                        if queue.consumed == 4 * perProducer { nonEmpty.broadcast() }
                        return false
                    }
                    if done { break }
                }
            }
        }
        #expect(queue.consumed == 8_000)
        let counts = snapshot(of: nonEmpty.name)
        #expect(counts?.kind == .condition)
        #expect(counts?.timeouts == 0)
        #expect(counts?.signals == 8_000)
        #expect(counts?.broadcasts == 1)
        #expect(counts?.contendedAcquisitions == 0)
        #expect(counts?.waitNanoseconds == 0)
        // Every wait re-acquired the lock: the lock counts them too.
        let lockCounts = snapshot(of: lock.name)
        // Producers' 8 000, consumers' 8 000 takes and 4 last looks, and one re-acquisition per wait.
        #expect(lockCounts?.acquisitions == 16_004 + (counts?.acquisitions ?? 0))
    }

    @Test func aTimedWaitWithoutSignalGivesUpHoldingTheLock() {
        let lock = ProfiledLock(name: "family.timed-wait-\(UUID())")
        let condition = ProfiledCondition(lock: lock)
        lock.lock()
        let signalled = condition.wait(timeout: .milliseconds(10))
        let otherGotIt = Atomic(true)
        onThreads(1) { _ in
            let got = lock.tryLock()
            if got { lock.unlock() }
            otherGotIt.store(got, ordering: .relaxed)
        }
        lock.unlock()
        #expect(!signalled)
        let otherGotItValue = otherGotIt.load(ordering: .relaxed)
        #expect(!otherGotItValue)
        #expect(snapshot(of: condition.name)?.timeouts == 1)
        #expect(snapshot(of: condition.name)?.acquisitions == 1)
    }

    @Test func aSignalWakesASleepingWaiter() {
        let lock = ProfiledLock(name: "family.wake-\(UUID())")
        let condition = ProfiledCondition(lock: lock)
        let flag = UnsafeCounter()
        let woke = Atomic(false)
        onThreads(2) { index in
            if index == 0 {
                lock.withLock {
                    while flag.value == 0 { _ = condition.wait(timeout: .seconds(20)) }
                }
                woke.store(true, ordering: .relaxed)
            } else {
                guard eventually({ sleepers(condition.core) == 1 }) else { return }
                lock.withLock { flag.value = 1 }
                condition.signal()
            }
        }
        let wokeValue = woke.load(ordering: .relaxed)
        #expect(wokeValue)
        #expect(snapshot(of: condition.name)?.timeouts == 0)
    }
}

/// A queue whose state only the lock protects.
final class UnsafeQueue: @unchecked Sendable {
    var items: [Int] = []
    var produced = 0
    var consumed = 0
}

@Suite struct SemaphoreTests {
    @Test func eightWorkersNeverHoldMoreThanThePermits() {
        let name = "family.pool-\(UUID())"
        let pool = ProfiledSemaphore(value: 3, name: name)
        let inside = Atomic(0)
        let most = Atomic(0)
        onThreads(8) { _ in
            for _ in 0..<2_000 {
                pool.withPermit {
                    let now = inside.wrappingAdd(1, ordering: .relaxed).newValue
                    var seen = most.load(ordering: .relaxed)
                    while now > seen {
                        let (exchanged, current) = most.compareExchange(expected: seen, desired: now, ordering: .relaxed)
                        if exchanged { break }
                        seen = current
                    }
                    inside.wrappingSubtract(1, ordering: .relaxed)
                }
            }
        }
        let mostValue = most.load(ordering: .relaxed)
        #expect(mostValue <= 3)
        #expect(mostValue >= 1)
        let counts = snapshot(of: name)
        #expect(counts?.kind == .semaphore)
        #expect(counts?.acquisitions == 16_000)
        // Every permit came back.
        #expect((0..<3).allSatisfy { _ in pool.tryWait() })
        #expect(!pool.tryWait())
        #expect(snapshot(of: name)?.failedTryLocks == 1)
    }

    @Test func anExhaustedSemaphoreTimesOutAndASignalWakesAWaiter() {
        let pool = ProfiledSemaphore(value: 0, name: "family.empty-\(UUID())")
        #expect(!pool.wait(timeout: .milliseconds(5)))
        let woke = Atomic(false)
        onThreads(2) { index in
            if index == 0 {
                pool.wait()
                woke.store(true, ordering: .relaxed)
            } else {
                guard eventually({ sleepers(pool.core) == 1 }) else { return }
                pool.signal()
            }
        }
        let wokeValue = woke.load(ordering: .relaxed)
        #expect(wokeValue)
        let counts = snapshot(of: pool.name)
        #expect(counts?.timeouts == 1)
        #expect(counts?.acquisitions == 1)
        #expect(counts?.contendedAcquisitions == 1)
    }
}

import CLockProfSupport
import Foundation
import Synchronization
import Testing

@testable import LockProf

// Nested in RecordingTests, whose `.serialized` covers nested suites: only one recording session
// runs at a time in the process.
extension RecordingTests {
    /// ``LockProfiler/currentWaits()`` read while a wait lasts, on three real threads.
    @Suite struct CurrentWaitsTests {
        /// Thread W holds `outer` and sleeps on `inner`, which thread H holds until an observer
        /// thread, polling `currentWaits()`, has seen W's wait; then H releases. The observer sees
        /// exactly one wait on `inner`: W's, holding `outer`. Afterwards nobody waits and the
        /// counts are exact: `outer` taken once, `inner` twice, once after a wait.
        @Test func aThreadHoldingOneLockAndWaitingForAnotherIsSeenWithBoth() throws {
            let tag = UUID().uuidString.prefix(8)
            let outer = ProfiledLock(name: "waits.outer-\(tag)")
            let inner = ProfiledLock(name: "waits.inner-\(tag)")
            let outerID = outer.core.lockID, innerID = inner.core.lockID
            try LockProfiler.start(level: .profile)
            defer { LockProfiler.stop() }

            let innerHeld = DispatchSemaphore(value: 0)
            let waiterKnown = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let waiterThread = Atomic<UInt64>(0)
            let seen = Locked<(waits: [LockWait], polls: Int)>(([], 0))
            onThreads(3) { index in
                switch index {
                case 0:  // H: holds inner until the observer has seen W wait for it
                    inner.lock()
                    innerHeld.signal()
                    release.wait()
                    inner.unlock()
                case 1:  // W: holds outer, then waits for inner
                    waiterThread.store(lockprof_thread_id(), ordering: .sequentiallyConsistent)
                    waiterKnown.signal()
                    innerHeld.wait()
                    outer.withLock { inner.withLock {} }
                default:  // the observer; the bound only keeps a broken build from hanging the suite
                    waiterKnown.wait()
                    let waiter = waiterThread.load(ordering: .sequentiallyConsistent)
                    for poll in 1...1_000_000 {
                        let waits = LockProfiler.currentWaits().filter { $0.lockID == innerID || $0.lockID == outerID }
                        if waits.contains(where: { $0.systemThreadID == waiter }) {
                            seen.withLock { $0 = (waits, poll) }
                            break
                        }
                        usleep(50)
                    }
                    release.signal()
                }
            }

            let (waits, polls) = seen.withLock { $0 }
            try #require(waits.count == 1, "seen after \(polls) polls: \(waits)")
            let wait = try #require(waits.first)
            #expect(wait.systemThreadID == waiterThread.load(ordering: .sequentiallyConsistent))
            #expect(wait.threadID != 0)
            #expect(wait.lockID == innerID)
            #expect(wait.lockName == inner.name)
            #expect(LockProfiler.lockName(of: innerID) == inner.name)
            #expect(wait.heldLockIDs == [outerID])
            #expect(wait.waitedNanoseconds > 0)

            #expect(!LockProfiler.currentWaits().contains { $0.lockID == innerID || $0.lockID == outerID })
            let outerCounts = try #require(snapshot(of: outer.name))
            let innerCounts = try #require(snapshot(of: inner.name))
            #expect(outerCounts.acquisitions == 1)
            #expect(outerCounts.contendedAcquisitions == 0)
            #expect(innerCounts.acquisitions == 2)
            #expect(innerCounts.contendedAcquisitions == 1)
        }

        /// A thread asleep on a semaphore with no permit, and one waiting to write an rwlock a
        /// reader holds, are seen as a mutex's waiter is; once they are through, neither is.
        @Test func semaphoreAndRWLockWaitsAreSeen() throws {
            let tag = UUID().uuidString.prefix(8)
            let permits = ProfiledSemaphore(value: 0, name: "waits.permits-\(tag)")
            let table = ProfiledRWLock(name: "waits.table-\(tag)")
            let ids: Set<UInt32> = [permits.core.lockID, table.core.lockID]
            try LockProfiler.start(level: .profile)
            defer { LockProfiler.stop() }

            let seen = Locked<Set<UInt32>>([])
            let readerIn = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            onThreads(4) { index in
                switch index {
                case 0:  // the reader: holds until the observer is done
                    table.withReadLock {
                        readerIn.signal()
                        release.wait()
                    }
                case 1: permits.wait()
                case 2:  // the writer: waits behind the reader
                    readerIn.wait()
                    table.withWriteLock {}
                default:  // the observer; the bound only keeps a broken build from hanging the suite
                    for _ in 1...200_000 {
                        let waiting = Set(LockProfiler.currentWaits().map(\.lockID)).intersection(ids)
                        seen.withLock { $0.formUnion(waiting) }
                        if seen.withLock({ $0 }) == ids { break }
                        usleep(50)
                    }
                    permits.signal()
                    release.signal()
                }
            }
            #expect(seen.withLock { $0 } == ids)
            #expect(!LockProfiler.currentWaits().contains { ids.contains($0.lockID) })
        }

        /// A lock that no longer exists has no name; one that never existed neither.
        @Test func aLockThatIsGoneHasNoName() {
            var lock: ProfiledLock? = ProfiledLock(name: "waits.gone-\(UUID())")
            let id = lock!.core.lockID
            #expect(LockProfiler.lockName(of: id) == lock?.name)
            lock = nil
            #expect(LockProfiler.lockName(of: id) == nil)
            #expect(LockProfiler.lockName(of: 0) == nil)
        }
    }
}

import CLockProfSupport
import Foundation
import Synchronization
import Testing

@testable import LockProf

/// The published wait's sequence lock under real concurrent readers (a private instance, no
/// recording session): whatever a reader gets is one whole wait, never a mix of two.
@Suite struct PublishedWaitTests {
    /// One writer publishes waits, each with fields derived from its lock id and two held locks,
    /// ending every other one, until it has written 1 000 000 and the two readers, reading all the
    /// while, have made 200 000 readings (so the three overlap however the threads are scheduled).
    /// Every reading is one whole wait, and the wait left published at the end is read exactly.
    @Test func readersNeverSeeAMixOfTwoWaits() {
        let wait = PublishedWait()
        let readersStarted = Atomic<Int>(0)
        let readings = Atomic<Int>(0)
        let writing = Atomic<Bool>(true)
        let torn = Atomic<Int>(0)
        let lastLock = Atomic<UInt32>(0)
        /// Publishes the wait for `lock` with its two held locks.
        @Sendable func publish(_ lock: UInt32) {
            lockprof_held_push(lock &+ 1_000_000)
            lockprof_held_push(lock &+ 2_000_000)
            wait.begin(lockID: lock, since: UInt64(lock) * 3, stack: UInt64(lock) * 7)
            lockprof_held_pop(lock &+ 2_000_000)
            lockprof_held_pop(lock &+ 1_000_000)
        }
        onThreads(3) { index in
            if index == 0 {
                while readersStarted.load(ordering: .acquiring) < 2 { sched_yield() }
                var lock: UInt32 = 0
                while lock < 1_000_000 || readings.load(ordering: .relaxed) < 200_000 {
                    lock += 1
                    publish(lock)
                    if lock % 2 == 0 { wait.end() }
                }
                publish(lock + 1)
                lastLock.store(lock + 1, ordering: .relaxed)
                writing.store(false, ordering: .releasing)
            } else {
                readersStarted.wrappingAdd(1, ordering: .releasing)
                while writing.load(ordering: .acquiring) {
                    readings.wrappingAdd(1, ordering: .relaxed)
                    guard let seen = wait.read() else { continue }
                    let lock = seen.lockID
                    let isWhole = seen.since == UInt64(lock) * 3 && seen.stack == UInt64(lock) * 7
                        && seen.held == [lock &+ 1_000_000, lock &+ 2_000_000]
                    if !isWhole { torn.wrappingAdd(1, ordering: .relaxed) }
                }
            }
        }
        #expect(readings.load(ordering: .relaxed) >= 200_000)
        #expect(torn.load(ordering: .relaxed) == 0)
        let last = lastLock.load(ordering: .relaxed)
        #expect(wait.read() == .init(lockID: last, since: UInt64(last) * 3, stack: UInt64(last) * 7,
                                     held: [last + 1_000_000, last + 2_000_000]))
        wait.end()
        #expect(wait.read() == nil)
    }
}

import Foundation
import NIOConcurrencyHelpers

/// Locks of every common pthread-backed kind, used from real threads, with no lockprof code:
/// the program `lockprof record` is tested on. Each phase prints how many times it took its lock,
/// so a test can hold the recorded counts to them.
final class Workload: @unchecked Sendable {
    let hotLock = NSLock()
    let recursiveLock = NSRecursiveLock()
    let condition = NSCondition()
    let boxedTotal = NIOLockedValueBox(0)
    let rawMutex: UnsafeMutablePointer<pthread_mutex_t>

    private var hotCounter = 0
    private var recursiveCounter = 0
    private var queue: [Int] = []
    private var rawCounter = 0
    /// How many times the consumer slept in `wait()`: each one re-locks the condition's mutex.
    private(set) var conditionWaits = 0

    init() {
        rawMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(rawMutex, nil)
    }

    /// The hot lock: held across real work, so the other threads wait for it.
    @inline(never) func addToHotCounter() {
        hotLock.lock()
        var spin = 0
        for step in 0..<2_000 { spin &+= step &* hotCounter }
        hotCounter &+= 1 | (spin & 0)
        hotLock.unlock()
    }

    /// Takes the recursive lock and, inside, takes it again (a re-entry).
    @inline(never) func addRecursively() {
        recursiveLock.lock()
        recursiveLock.lock()
        recursiveCounter += 1
        recursiveLock.unlock()
        recursiveLock.unlock()
    }

    @inline(never) func addToRawCounter() {
        pthread_mutex_lock(rawMutex)
        rawCounter += 1
        pthread_mutex_unlock(rawMutex)
    }

    @inline(never) func addToBox() {
        boxedTotal.withLockedValue { $0 += 1 }
    }

    /// Hands `count` items to `consume`, one at a time, through the condition.
    @inline(never) func produce(_ count: Int) {
        for item in 0..<count {
            condition.lock()
            queue.append(item)
            condition.signal()
            condition.unlock()
            if item % 16 == 0 { usleep(200) }
        }
    }

    /// Takes `count` items, sleeping on the condition while there is none.
    @inline(never) func consume(_ count: Int) {
        for _ in 0..<count {
            condition.lock()
            while queue.isEmpty {
                conditionWaits += 1
                condition.wait()
            }
            queue.removeFirst()
            condition.unlock()
        }
    }

    var totals: (hot: Int, recursive: Int, raw: Int, boxed: Int) {
        (hotCounter, recursiveCounter, rawCounter, boxedTotal.withLockedValue { $0 })
    }
}

import Foundation

/// A raw `pthread_rwlock_t` (as swift-log and swift-metrics wrap one) and a raw mutex taken in
/// opposite orders, one thread after the other: `config` read-locked then `state` inside it, and
/// `state` then `config` write-locked inside it. Were they to overlap, the writer would wait for
/// the reader, which waits for the mutex the writer holds: a deadlock. `lockprof record` must
/// report the pair as one inversion, a read hold ordering the locks as a write hold does.
final class RWLockOrder: @unchecked Sendable {
    let config: UnsafeMutablePointer<pthread_rwlock_t>
    let state: UnsafeMutablePointer<pthread_mutex_t>
    private var reads = 0
    private var writes = 0

    init() {
        config = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        state = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_rwlock_init(config, nil)
        pthread_mutex_init(state, nil)
    }

    /// `config` for reading, then `state` inside it.
    @inline(never) func readThenUpdate() {
        pthread_rwlock_rdlock(config)
        pthread_mutex_lock(state)  // while reading config
        reads += 1
        pthread_mutex_unlock(state)
        pthread_rwlock_unlock(config)
    }

    /// `state`, then `config` for writing inside it: the opposite order.
    @inline(never) func updateThenReconfigure() {
        pthread_mutex_lock(state)
        pthread_rwlock_wrlock(config)  // while holding state
        writes += 1
        pthread_rwlock_unlock(config)
        pthread_mutex_unlock(state)
    }

    /// Each order `rounds` times, on two threads one after the other; prints the counts.
    func run(rounds: Int) {
        for body in [readThenUpdate, updateThenReconfigure] {
            let thread = Thread { for _ in 0..<rounds { body() } }
            thread.start()
            while !thread.isFinished { usleep(1_000) }
        }
        print("reads \(reads) writes \(writes)")
    }
}

import Foundation

/// Two raw pthread mutexes taken in opposite orders, by two threads one after the other (so the
/// program never deadlocks, but could if they overlapped): the lock-order inversion `lockprof
/// record` must report for a program that knows nothing of lockprof.
final class OrderInversion: @unchecked Sendable {
    let first: UnsafeMutablePointer<pthread_mutex_t>
    let second: UnsafeMutablePointer<pthread_mutex_t>
    private var moves = 0

    init() {
        first = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        second = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(first, nil)
        pthread_mutex_init(second, nil)
    }

    /// `first`, then `second` inside it.
    @inline(never) func moveForward() {
        pthread_mutex_lock(first)
        pthread_mutex_lock(second)  // while holding first
        moves += 1
        pthread_mutex_unlock(second)
        pthread_mutex_unlock(first)
    }

    /// `second`, then `first` inside it: the opposite order.
    @inline(never) func moveBack() {
        pthread_mutex_lock(second)
        pthread_mutex_lock(first)  // while holding second
        moves -= 1
        pthread_mutex_unlock(first)
        pthread_mutex_unlock(second)
    }
}

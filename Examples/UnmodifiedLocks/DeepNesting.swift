import Foundation

/// Eighteen raw mutexes, each created on a line of its own (a lock is named by the line that
/// created it), taken one inside the other deeper than the interposition library keeps (16),
/// released out of order, then two of them taken in the opposite order: exactly one inversion
/// (first ↔ last) if no held-lock entry outlives its hold.
final class DeepNesting: @unchecked Sendable {
    let locks: [UnsafeMutablePointer<pthread_mutex_t>] = (0..<18).map { _ in .allocate(capacity: 1) }

    init() {
        pthread_mutex_init(locks[0], nil)
        pthread_mutex_init(locks[1], nil)
        pthread_mutex_init(locks[2], nil)
        pthread_mutex_init(locks[3], nil)
        pthread_mutex_init(locks[4], nil)
        pthread_mutex_init(locks[5], nil)
        pthread_mutex_init(locks[6], nil)
        pthread_mutex_init(locks[7], nil)
        pthread_mutex_init(locks[8], nil)
        pthread_mutex_init(locks[9], nil)
        pthread_mutex_init(locks[10], nil)
        pthread_mutex_init(locks[11], nil)
        pthread_mutex_init(locks[12], nil)
        pthread_mutex_init(locks[13], nil)
        pthread_mutex_init(locks[14], nil)
        pthread_mutex_init(locks[15], nil)
        pthread_mutex_init(locks[16], nil)
        pthread_mutex_init(locks[17], nil)
    }

    /// Takes all eighteen in order, releases the fourth first and the rest from the innermost, then
    /// takes the last and, inside it, the first.
    @inline(never) func run() {
        for lock in locks { pthread_mutex_lock(lock) }
        pthread_mutex_unlock(locks[3])
        for index in locks.indices.reversed() where index != 3 { pthread_mutex_unlock(locks[index]) }
        pthread_mutex_lock(locks[17])
        pthread_mutex_lock(locks[0])  // the opposite order
        pthread_mutex_unlock(locks[0])
        pthread_mutex_unlock(locks[17])
    }
}

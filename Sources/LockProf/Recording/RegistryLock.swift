import CLockProfSupport

/// A value guarded by one of the recorder's fork-aware mutexes (`fork.c`): the state of the
/// session holder and of the lock and ring registries. Taken once per session, lock lifetime,
/// thread or collector pass, never on a lock's hot path.
///
/// Why not `Synchronization.Mutex`: `fork()` copies a mutex held by another thread as held, and
/// a child that then creates a lock or exits would wait forever. These mutexes are taken by the
/// `pthread_atfork` prepare handler and reset in the child, so the child always finds them free.
final class RegistryLock<State>: @unchecked Sendable {
    // @unchecked Sendable: `state` is read and written only between lockprof_registry_lock and
    // lockprof_registry_unlock of `mutex`.
    private let mutex: Int32
    private var state: State

    /// Guards `initial` with the registry mutex `mutex` (`LOCKPROF_*_MUTEX`).
    init(_ initial: State, mutex: Int) {
        self.mutex = Int32(mutex)
        self.state = initial
    }

    func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        lockprof_registry_lock(mutex)
        defer { lockprof_registry_unlock(mutex) }
        return try body(&state)
    }
}

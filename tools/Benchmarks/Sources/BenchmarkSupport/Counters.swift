import LockProf

#if canImport(Glibc)
import Glibc
#endif

/// A counter guarded by a default pthread mutex: the baseline every lock is compared with.
/// `increment` is not inlined, like a call into the C library.
///
/// The counters keep their count behind a pointer rather than in a stored `var`: a class's stored
/// `var` costs a `swift_beginAccess` call (dynamic exclusivity checking) on every increment, which
/// would be measured as part of every lock.
public final class PthreadCounter: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    private let storage = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// Increments so far (read it when no thread increments).
    public var count: Int { storage.pointee }

    public init() { storage.initialize(to: 0) }

    @inline(never) public func increment() {
        pthread_mutex_lock(mutex)
        storage.pointee &+= 1
        pthread_mutex_unlock(mutex)
    }
}

/// A counter guarded by a ProfiledLock, written the way a user swaps one in.
public final class ProfiledCounter: @unchecked Sendable {
    private let lock: ProfiledLock
    private let storage = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// Increments so far (read it when no thread increments).
    public var count: Int { storage.pointee }

    public init(name: String) {
        lock = ProfiledLock(name: name)
        storage.initialize(to: 0)
    }

    @inline(never) public func increment() {
        lock.lock()
        storage.pointee &+= 1
        lock.unlock()
    }
}

/// A value guarded by a ProfiledLock, updated with `rounds` of ``Work/mix(_:rounds:)`` under the
/// lock: the scenario programs' unit of locked work.
public final class ProfiledValue: @unchecked Sendable {
    private let lock: ProfiledLock
    /// The value (read it when no thread updates).
    public private(set) var value: UInt64 = 1

    public init(name: String) { lock = ProfiledLock(name: name) }

    @inline(never) public func update(rounds: Int) {
        lock.lock()
        value = Work.mix(value &+ 1, rounds: rounds)
        lock.unlock()
    }
}

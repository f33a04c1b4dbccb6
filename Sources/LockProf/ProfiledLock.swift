import LockProfFormat
import Synchronization

/// A mutual-exclusion lock that profiles itself: the drop-in replacement for `NSLock` or a
/// `pthread_mutex_t` when you want to know who waits for it and who makes them wait.
///
/// Uncontended, `lock()` + `unlock()` costs what an unprofiled lock costs: one atomic exchange
/// each way and a counter increment, no clock read, system call or allocation. Only when a thread
/// has to wait does the lock time the wait and, while recording (``LockProfiler``), record the
/// event with the waiter's and the holder's stacks.
///
/// ```swift
/// let cacheLock = ProfiledLock(name: "cache")
/// cacheLock.withLock { cache[key] = value }
/// ```
///
/// Not re-entrant: locking it again on the thread that holds it deadlocks, as with `NSLock`.
/// Unlocking from a thread that does not hold it stops the program in debug builds.
public final class ProfiledLock: Sendable {
    @usableFromInline let core: LockCore
    /// `core.word`, kept here so that the fast paths reach the word with one load (only ever
    /// used through atomics: `nonisolated(unsafe)` as `LockCore` is `@unchecked Sendable`).
    @usableFromInline nonisolated(unsafe) let word: UnsafeMutablePointer<Atomic<UInt32>>

    /// Creates an unlocked lock.
    /// - Parameter name: How reports name the lock; by default its creation site,
    ///   `Module/File.swift:42`.
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        core = LockCore(kind: .mutex, name: name, fileID: fileID, line: line)
        word = core.word
    }

    /// The name reports use for this lock.
    public var name: String { core.identity.name }

    /// Acquires the lock, waiting as long as it takes.
    @inlinable @inline(__always)
    public func lock() { _ = LockCore.lock(word, core) }

    /// Releases the lock. Must be called by the thread that acquired it.
    @inlinable @inline(__always)
    public func unlock() { LockCore.unlock(word, core) }

    /// Acquires the lock if it is free right now; returns whether it did. A failed attempt is
    /// counted (`failedTryLocks`), not treated as contention.
    @inlinable @inline(__always)
    public func tryLock() -> Bool { LockCore.tryLock(word, core) != 0 }

    /// Acquires the lock, waiting at most `timeout`; returns false when the time ran out.
    /// A timeout is counted and, while recording, recorded with the waiter's stack.
    public func lock(timeout: Duration) -> Bool {
        core.lock(timeoutNanoseconds: timeout.clampedNanoseconds)
    }

    /// Runs `body` while holding the lock.
    @inlinable @inline(__always)  // into the caller, like Mutex.withLock
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        // No `defer`: its out-of-line block would be tail-called and hide the caller's frame
        // from the holder stack that `unlock` captures.
        // The release expects the word this acquisition left: no second look at the flag.
        let heldWord = LockCore.lock(word, core)
        let result: R
        do {
            result = try body()
        } catch {
            LockCore.unlock(word, core, heldWord: heldWord)
            throw error
        }
        LockCore.unlock(word, core, heldWord: heldWord)
        return result
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to 0…Int64.max.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (wholeSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (total, overflowAdding) = wholeSeconds.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowAdding ? .max : max(total, 0)
    }
}

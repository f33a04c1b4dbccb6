import CLockProfSupport
import LockProfFormat
import Synchronization

/// A lock its holder may take again (like `NSRecursiveLock` or Python's `RLock`), profiled.
///
/// Only the outermost acquisition can wait, and only it counts in `acquisitions`; the holder
/// taking it again is a *re-entry*, counted apart (`reentries`) and never contention. The lock is
/// released when each `lock()` has had its `unlock()`.
///
/// ```swift
/// let registry = ProfiledRecursiveLock(name: "registry")
/// func add(_ item: Item) { registry.withLock { items.append(item); reindex() } }
/// func reindex() { registry.withLock { /* re-entry: same thread */ } }
/// ```
///
/// Protocol: `owner` holds the holder's thread token, written only by the holder (set after the
/// outermost acquisition, cleared before the last release) with relaxed stores; any thread may
/// read it, and a thread finds its own token there only if it wrote it itself, so the re-entry
/// test needs no ordering. `depth` is touched only by the holder (relaxed load + store: an
/// atomic only so that it is a `let`, which spares the dynamic exclusivity checks a `var` of a
/// class pays on every access).
public final class ProfiledRecursiveLock: Sendable {
    @usableFromInline let core: LockCore
    @usableFromInline let owner = Atomic<UInt>(0)
    @usableFromInline let depth = Atomic<Int>(0)

    /// Creates an unlocked recursive lock.
    /// - Parameter name: How reports name the lock; by default its creation site.
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        core = LockCore(kind: .recursive, name: name, fileID: fileID, line: line)
    }

    /// The name reports use for this lock.
    public var name: String { core.identity.name }

    /// Acquires the lock, waiting as long as it takes unless the calling thread holds it already.
    @inlinable
    public func lock() {
        let me = lockprof_thread_token()
        if owner.load(ordering: .relaxed) == me {
            reenter()
            return
        }
        core.lock()
        enter(me)
    }

    /// Acquires the lock if it is free or already the caller's; returns whether it did.
    @inlinable
    public func tryLock() -> Bool {
        let me = lockprof_thread_token()
        if owner.load(ordering: .relaxed) == me {
            reenter()
            return true
        }
        guard core.tryLock() else { return false }
        enter(me)
        return true
    }

    /// Acquires the lock, waiting at most `timeout` (a re-entry never waits); returns false when
    /// the time ran out.
    public func lock(timeout: Duration) -> Bool {
        let me = lockprof_thread_token()
        if owner.load(ordering: .relaxed) == me {
            reenter()
            return true
        }
        guard core.lock(timeoutNanoseconds: timeout.clampedNanoseconds) else { return false }
        enter(me)
        return true
    }

    /// Undoes one `lock()`; the last one releases the lock. Must be called by the holder.
    @inlinable
    public func unlock() {
        precondition(owner.load(ordering: .relaxed) == lockprof_thread_token(), "lockprof: '\(name)' unlocked by a thread that does not hold it")
        let remaining = depth.load(ordering: .relaxed) - 1
        depth.store(remaining, ordering: .relaxed)
        if remaining == 0 {
            owner.store(0, ordering: .relaxed)
            core.unlock()
        }
    }

    /// Runs `body` while holding the lock (re-entering it when the caller holds it already).
    @inlinable
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        let result: R
        do {
            result = try body()
        } catch {
            unlock()
            throw error
        }
        unlock()
        return result
    }

    @inlinable @inline(__always)
    func enter(_ me: UInt) {
        owner.store(me, ordering: .relaxed)
        depth.store(1, ordering: .relaxed)
    }

    @inlinable @inline(__always)
    func reenter() {
        depth.store(depth.load(ordering: .relaxed) + 1, ordering: .relaxed)
        core.countReentry()
    }
}

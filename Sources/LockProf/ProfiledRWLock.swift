import CLockProfSupport
import LockProfFormat
import Synchronization

/// A reader-writer lock that profiles itself: many readers at once, or one writer. The drop-in
/// replacement for a `pthread_rwlock_t` guarding a read-mostly cache.
///
/// ```swift
/// let cacheLock = ProfiledRWLock(name: "cache")
/// let hit = cacheLock.withReadLock { cache[key] }
/// cacheLock.withWriteLock { cache[key] = value }
/// ```
///
/// **Policy: writer preference.** Once a writer waits, new readers wait behind it (glibc's
/// `PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP`), so a steady stream of readers cannot starve
/// writers. Hence a reader waits only because of a writer — one holding the lock or one waiting
/// for it — and never for another reader; a writer waits for readers or for another writer.
/// Not re-entrant: a thread holding a read lock that asks for it again while a writer waits
/// deadlocks; asking for the write lock while holding it stops the program.
///
/// Counting: every acquisition is counted exactly, per side (readers' acquisitions, contended
/// acquisitions and wait are kept apart from the writers'). The uncontended read path is a
/// `tryrdlock` and one atomic add; the write path is a `trywrlock` and the same plain counter
/// moves as ``ProfiledLock``. Waits, blocking holds and both sides' stacks are recorded as for
/// ``ProfiledLock``: a waiter blames the holder that released the lock to it (for a writer
/// waiting on readers, the last reader out).
public final class ProfiledRWLock: @unchecked Sendable {
    // @unchecked Sendable: the counters are in `core`, under its protocol (LockCore.swift); the
    // pthread lock is only reached through its own calls.

    @usableFromInline let core: LockCore
    @usableFromInline let rwlock: OpaquePointer

    /// Creates an unlocked reader-writer lock.
    /// - Parameter name: How reports name the lock; by default its creation site.
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        core = LockCore(kind: .rwlock, name: name, fileID: fileID, line: line)
        rwlock = lockprof_rwlock_create()
    }

    deinit {
        lockprof_rwlock_destroy(rwlock)
    }

    /// The name reports use for this lock.
    public var name: String { core.identity.name }

    // MARK: Readers

    /// Acquires the lock for reading, waiting as long as it takes.
    @inlinable
    public func lockRead() {
        _ = lockRead(timeoutNanoseconds: -1)
    }

    /// Acquires the lock for reading if no writer holds or awaits it; returns whether it did.
    @inlinable
    public func tryLockRead() -> Bool {
        guard lockprof_rwlock_try_read(rwlock) == 0 else {
            core.countFailedTryLock()
            return false
        }
        countRead()
        if _slowPath(lockprof_is_recording() != 0) { lockprof_held_push(core.lockID) }
        return true
    }

    /// Acquires the lock for reading, waiting at most `timeout`; returns false when the time ran out.
    public func lockRead(timeout: Duration) -> Bool {
        lockRead(timeoutNanoseconds: timeout.clampedNanoseconds)
    }

    /// Releases a read hold. Must be called by a thread that holds the lock for reading.
    @inlinable
    public func unlockRead() {
        core.forgetHeld()
        if _slowPath(core.hasSleepers) {
            unlockSlow(mode: .reader)
            lockprof_keep_frame()
            return
        }
        lockprof_rwlock_unlock(rwlock)
    }

    /// Runs `body` holding the lock for reading.
    @inlinable
    public func withReadLock<R>(_ body: () throws -> R) rethrows -> R {
        // No `defer`: see ProfiledLock.withLock.
        lockRead()
        let result: R
        do {
            result = try body()
        } catch {
            unlockRead()
            throw error
        }
        unlockRead()
        return result
    }

    // MARK: Writers

    /// Acquires the lock for writing, waiting as long as it takes.
    @inlinable
    public func lockWrite() {
        _ = lockWrite(timeoutNanoseconds: -1)
    }

    /// Acquires the lock for writing if nobody holds it; returns whether it did.
    @inlinable
    public func tryLockWrite() -> Bool {
        guard lockprof_rwlock_try_write(rwlock) == 0 else {
            core.countFailedTryLock()
            return false
        }
        core.countAcquisition()
        if _slowPath(lockprof_is_recording() != 0) { lockprof_held_push(core.lockID) }
        return true
    }

    /// Acquires the lock for writing, waiting at most `timeout`; returns false when the time ran out.
    public func lockWrite(timeout: Duration) -> Bool {
        lockWrite(timeoutNanoseconds: timeout.clampedNanoseconds)
    }

    /// Releases the write hold. Must be called by the thread that holds the lock for writing.
    @inlinable
    public func unlockWrite() {
        core.forgetHeld()
        if _slowPath(core.isHoldTimed || core.hasSleepers) {
            unlockSlow(mode: .exclusive)
            lockprof_keep_frame()
            return
        }
        lockprof_rwlock_unlock(rwlock)
    }

    /// Runs `body` holding the lock for writing.
    @inlinable
    public func withWriteLock<R>(_ body: () throws -> R) rethrows -> R {
        lockWrite()
        let result: R
        do {
            result = try body()
        } catch {
            unlockWrite()
            throw error
        }
        unlockWrite()
        return result
    }

    // MARK: Paths shared by both sides

    @inlinable @inline(__always)
    func lockRead(timeoutNanoseconds: Int64) -> Bool {
        let recording = lockprof_is_recording() != 0
        if _slowPath(recording) { core.noteLockOrder() }
        if _fastPath(lockprof_rwlock_try_read(rwlock) == 0) {
            countRead()
        } else if !lockContended(reading: true, timeoutNanoseconds: timeoutNanoseconds) {
            lockprof_keep_frame()
            return false
        }
        if _slowPath(recording) { lockprof_held_push(core.lockID) }
        return true
    }

    @inlinable @inline(__always)
    func lockWrite(timeoutNanoseconds: Int64) -> Bool {
        let recording = lockprof_is_recording() != 0
        if _slowPath(recording) { core.noteLockOrder() }
        if _fastPath(lockprof_rwlock_try_write(rwlock) == 0) {
            core.countAcquisition()
        } else if !lockContended(reading: false, timeoutNanoseconds: timeoutNanoseconds) {
            lockprof_keep_frame()
            return false
        }
        if _slowPath(recording) { lockprof_held_push(core.lockID) }
        return true
    }

    /// An uncontended read acquisition: readers hold the lock together, so an atomic add.
    @inlinable @inline(__always)
    func countRead() {
        core.countSharedAcquisition()
    }

    /// Waits for the lock (`timeoutNanoseconds < 0`: forever), registered as a sleeper so the
    /// releasing holder blames itself; returns false on timeout.
    @usableFromInline @inline(never)
    func lockContended(reading: Bool, timeoutNanoseconds: Int64) -> Bool {
        let recording = lockprof_is_recording() != 0
        let waitStart = recording ? lockprof_now_ns() : 0
        let mode: LockCore.HoldMode = reading ? .reader : .exclusive
        let waiterStack = core.beginSleeping(since: waitStart, recording: recording)
        // Published for `LockProfiler.currentWaits()` and the deadlock watchdog, as a mutex's wait is.
        let publishedWait = recording ? Recorder.publishWait(lockID: core.lockID, since: waitStart, stack: waiterStack) : nil
        defer { publishedWait?.end() }
        let result =
            reading
            ? lockprof_rwlock_read(rwlock, timeoutNanoseconds) : lockprof_rwlock_write(rwlock, timeoutNanoseconds)
        core.removeSleeper()
        guard result == 0 else {
            core.timedOut(
                since: waitStart, at: recording ? lockprof_now_ns() : 0, recording: recording, waiterStack: waiterStack,
                mode: mode)
            return false
        }
        core.acquiredAfterWait(since: waitStart, recording: recording, waiterStack: waiterStack, mode: mode)
        return true
    }

    /// A release while threads sleep (or a timed write hold): account the hold and publish the
    /// holder's stack for the next waiter, then release.
    @usableFromInline @inline(never)
    func unlockSlow(mode: LockCore.HoldMode) {
        let holdStart = mode == .exclusive ? core.takeHoldStart() : 0
        let holderStack = core.accountRelease(holdStart: holdStart, mode: mode)
        if holderStack != 0 { core.publishHolderStack(holderStack) }
        lockprof_rwlock_unlock(rwlock)
    }
}

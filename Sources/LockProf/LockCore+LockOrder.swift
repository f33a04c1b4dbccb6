import CLockProfSupport
import Synchronization

// MARK: - Lock order and the owner check
//
// While recording, an acquisition by a thread that already holds profiled locks records the pairs
// (held -> this) before it can wait, so a real deadlock still leaves its order in the trace. The
// thread's held locks are a thread-local array in C (CLockProfSupport, held_locks.c): pushed by
// an acquisition made while recording, popped by its release whether or not still recording, so
// no entry outlives its hold. Debug builds also keep the holder's thread token in the `owner`
// slot (written and cleared only by the holder) and stop an unlock by any other thread.

extension LockCore {
    /// While recording: when this thread holds other profiled locks, records each (held → this)
    /// pair it has not recorded yet, before waiting, so that even a real deadlock leaves its
    /// order in the trace. One thread-local read when nothing is held.
    @inlinable @inline(__always)
    func noteLockOrder() {
        if _slowPath(lockprof_held_count() != 0) {
            recordLockOrder()
            lockprof_keep_frame()
        }
    }

    @usableFromInline @inline(never)
    func recordLockOrder() {
        Recorder.recordLockOrder(acquiring: lockID)
    }

    /// Removes this lock from the thread's held locks when any are tracked (one thread-local read
    /// otherwise). Done whether or not still recording, so no entry outlives its hold.
    @inlinable @inline(__always)
    func forgetHeld() {
        if _slowPath(lockprof_held_count() != 0) { lockprof_held_pop(lockID) }
    }

    @inlinable @inline(__always)
    func debugSetOwner() {
        debugOnly { slots[LockSlot.owner].store(UInt64(lockprof_thread_token()), ordering: .relaxed) }
    }

    @inlinable @inline(__always)
    func debugCheckAndClearOwner() {
        debugOnly {
            let owner = slots[LockSlot.owner].load(ordering: .relaxed)
            if owner != UInt64(lockprof_thread_token()) { unlockedByNonOwner() }
            slots[LockSlot.owner].store(0, ordering: .relaxed)
        }
    }

    /// Runs `body` in debug builds only (where `_isDebugAssertConfiguration()` holds), as
    /// swift-nio's `debugOnly`: inside `assert`, so release builds neither run nor warn about it.
    @inlinable @inline(__always)
    func debugOnly(_ body: () -> Void) {
        assert(
            {
                body()
                return true
            }())
    }

    @usableFromInline @inline(never)
    func unlockedByNonOwner() {
        preconditionFailure("lockprof: '\(identity.name)' unlocked by a thread that does not hold it")
    }
}

import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The sequence word and its protocol
//
// A ProfiledCondition keeps its own LockCore, for its name, its counters and a futex word: here
// the word is a *sequence* that every signal and broadcast bumps, not a lock.
//
// - wait (called holding the bound lock): read the sequence s (relaxed: only signalers change
//   it, and a signal that happens under the lock before this read is not owed to this waiter),
//   register as a sleeper (sequentially consistent add), release the lock, then while the word
//   still equals s: futex_wait(word, s). Finally unregister and re-acquire the lock.
// - signal / broadcast: add 1 to the word (sequentially consistent), then read the sleepers
//   (sequentially consistent); when there are any, futex_wake 1 / all.
//
// No wake-up is lost: if the signaler read no sleeper, the waiter's registration comes later in
// the single total order, so its read of the word sees the new sequence and it does not sleep;
// if the waiter is about to sleep when the word changes, futex_wait sees a value other than s
// and returns at once. As with every condition variable, `wait` may also return without a signal
// (another signal's wake-up, or a signal just before it slept): callers wait in a loop on their
// predicate.
//
// FIFO wake-ups: a thread that starts waiting after a signal's bump reads the new sequence, and
// may already sleep on the word when that signal's futex_wake(1) runs. The wake-up must go to a
// thread the signal was for; it does because Linux wakes a futex's sleepers of equal priority in
// the order they went to sleep, and the older waiter slept first. Under real-time priorities
// (SCHED_FIFO/SCHED_RR) a higher-priority newcomer is woken first, finds its own sequence
// unchanged and sleeps again, and the older waiter misses that signal until the next one (as a
// pthread condition would not). Ordinary (SCHED_OTHER) threads all share one priority.

/// A condition variable bound to a ``ProfiledLock``: threads wait in it for a state change that
/// other threads announce with ``signal()`` or ``broadcast()``.
///
/// Time asleep in `wait()` is *not* contention: it is counted as the condition's wait
/// (`conditionWaitNanoseconds`), never in any lock's wait, so a consumer sleeping on an empty
/// queue does not get its lock flagged. Re-acquiring the lock after waking is an ordinary,
/// profiled acquisition of that lock.
///
/// ```swift
/// let lock = ProfiledLock(name: "queue")
/// let nonEmpty = ProfiledCondition(lock: lock, name: "queue.non-empty")
/// lock.withLock {
///     while queue.isEmpty { nonEmpty.wait() }
///     item = queue.removeFirst()
/// }
/// ```
public final class ProfiledCondition: Sendable {
    @usableFromInline let core: LockCore
    /// The lock `wait` releases while asleep and holds again when it returns.
    public let lock: ProfiledLock

    /// Creates a condition bound to `lock`.
    /// - Parameter name: How reports name the condition; by default its creation site.
    public init(lock: ProfiledLock, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.lock = lock
        core = LockCore(kind: .condition, name: name, fileID: fileID, line: line)
    }

    /// The name reports use for this condition.
    public var name: String { core.identity.name }

    /// Releases the lock, sleeps until signalled, and re-acquires the lock. Call it holding the
    /// lock, in a loop on the predicate you wait for: it may return without a signal.
    public func wait() {
        _ = wait(timeoutNanoseconds: -1)
    }

    /// Like ``wait()``, giving up after `timeout`; returns false when the time ran out (the lock
    /// is held again either way). A timeout is counted (`timeouts`).
    public func wait(timeout: Duration) -> Bool {
        wait(timeoutNanoseconds: timeout.clampedNanoseconds)
    }

    /// Wakes one waiting thread, if any. May be called with or without the lock held.
    public func signal() {
        announce(.signals, waking: 1)
    }

    /// Wakes every waiting thread. May be called with or without the lock held.
    public func broadcast() {
        announce(.broadcasts, waking: Int32.max)
    }

    /// Counts the call (`signals` or `broadcasts`), then the signalling side of the protocol above.
    @inline(__always)
    private func announce(_ call: LockCounter, waking count: Int32) {
        core.countAtomically(call)
        core.incrementWordAndWake(upTo: count)
    }

    private func wait(timeoutNanoseconds: Int64) -> Bool {
        let sequence = core.word.pointee.load(ordering: .relaxed)
        // Counted under the bound lock, but atomically: the condition's counters are read
        // concurrently and other kinds of writers (signalers) touch neighbouring slots.
        core.countConcurrentAcquisition()
        core.addSleeper()
        let recording = lockprof_is_recording() != 0
        let start = recording || timeoutNanoseconds >= 0 ? lockprof_now_ns() : 0
        let deadline = timeoutNanoseconds >= 0 ? WaitClock.deadline(after: start, timeoutNanoseconds: timeoutNanoseconds) : .max
        lock.unlock()
        var signalled = true
        while core.word.pointee.load(ordering: .sequentiallyConsistent) == sequence {
            var remaining: Int64 = -1
            if timeoutNanoseconds >= 0 {
                let now = lockprof_now_ns()
                guard now < deadline else {
                    signalled = false
                    break
                }
                remaining = WaitClock.remaining(until: deadline, from: now)
            }
            _ = lockprof_futex_wait(core.futexAddress, sequence, remaining)
        }
        core.removeSleeper()
        if !signalled { core.countTimeout() }
        if recording { core.countConditionWait(WaitClock.elapsed(from: start, to: lockprof_now_ns())) }
        lock.lock()
        return signalled
    }
}

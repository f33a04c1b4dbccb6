import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The permit word and its protocol
//
// A ProfiledSemaphore uses its LockCore's word as the number of free permits.
//
// - wait:   while the word is > 0, compareExchange(v → v − 1) (acquiring) takes a permit. When it
//           is 0: register as a sleeper (sequentially consistent add), then loop: take a permit
//           if there is one, else futex_wait(word, 0); unregister once a permit is taken.
// - signal: add 1 to the word (sequentially consistent, releasing what the holder did), then
//           read the sleepers (sequentially consistent) and futex_wake(1) when there are any.
//
// No wake-up is lost: if the signaler read no sleeper, the sleeper's registration comes later in
// the single total order, so its next look at the word sees the permit; if it is about to sleep
// when the permit arrives, futex_wait sees a word other than 0 and returns at once. A woken
// sleeper may find the permit taken by a newcomer: then that newcomer used it, and the sleeper
// sleeps again.
//
// Blame: a signal that finds sleepers while recording is a blocking "release": it captures the
// signaler's stack (the permit holder's) and publishes it for the waiter that takes the permit,
// exactly as a lock's holder does (LockCore.swift).

/// A counting semaphore that profiles itself: a pool of `value` permits, where a thread takes
/// one with ``wait()`` and gives it back with ``signal()``. Time blocked on an exhausted semaphore
/// is reported as this semaphore's wait, blamed on the stacks of the permit holders that gave
/// permits back to waiting threads.
///
/// ```swift
/// let connections = ProfiledSemaphore(value: 3, name: "db-pool")
/// connections.withPermit { try query(...) }
/// ```
///
/// Counting: `acquisitions` are permits taken (exact), `contendedAcquisitions` those that had to
/// wait. A semaphore takes no part in lock order: a permit has no owner.
public final class ProfiledSemaphore: Sendable {
    @usableFromInline let core: LockCore

    /// Creates a semaphore with `value` free permits (≥ 0).
    /// - Parameter name: How reports name the semaphore; by default its creation site.
    public init(value: Int, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        precondition(value >= 0 && value <= Int(Int32.max), "ProfiledSemaphore: value \(value) must be 0...\(Int32.max)")
        core = LockCore(kind: .semaphore, name: name, fileID: fileID, line: line, initialWord: UInt32(value))
    }

    /// The name reports use for this semaphore.
    public var name: String { core.identity.name }

    /// Takes a permit, waiting as long as it takes for one.
    @inlinable
    public func wait() {
        if _fastPath(takePermit()) { return }
        _ = waitContended(timeoutNanoseconds: -1)
        lockprof_keep_frame()
    }

    /// Takes a permit, waiting at most `timeout`; returns false when the time ran out.
    public func wait(timeout: Duration) -> Bool {
        if takePermit() { return true }
        return waitContended(timeoutNanoseconds: timeout.clampedNanoseconds)
    }

    /// Takes a permit if one is free right now; returns whether it did. A failed attempt is
    /// counted (`failedTryLocks`).
    @inlinable
    public func tryWait() -> Bool {
        if takePermit() { return true }
        core.countFailedTryLock()
        return false
    }

    /// Gives a permit back, waking a waiting thread if there is one.
    ///
    /// Not `sem_post`: it is async-signal-safe only while nothing records. Not recording, it is an
    /// atomic add, a load and at most one `FUTEX_WAKE`; while recording, a signal that finds
    /// sleepers reads the clock, captures its stack and writes an event into the thread's ring,
    /// creating the ring (an allocation, a registry lock) on the thread's first event. Do not call
    /// it from a signal handler in a program that records.
    @inlinable
    public func signal() {
        if _slowPath(core.hasSleepers) {
            signalSlow()
            lockprof_keep_frame()
            return
        }
        core.incrementWordAndWake(upTo: 1)
    }

    /// Runs `body` holding a permit.
    @inlinable
    public func withPermit<R>(_ body: () throws -> R) rethrows -> R {
        wait()
        let result: R
        do {
            result = try body()
        } catch {
            signal()
            throw error
        }
        signal()
        return result
    }

    /// Takes a free permit without waiting, counting it; false when there is none.
    @inlinable @inline(__always)
    func takePermit() -> Bool {
        var free = core.word.pointee.load(ordering: .relaxed)
        while free > 0 {
            let (exchanged, current) = core.word.pointee.compareExchange(
                expected: free, desired: free - 1, ordering: .acquiring)
            if exchanged {
                core.countConcurrentAcquisition()
                return true
            }
            free = current
        }
        return false
    }

    /// Sleeps until a permit is free (`timeoutNanoseconds < 0`: as long as it takes); false on timeout.
    @usableFromInline @inline(never)
    func waitContended(timeoutNanoseconds: Int64) -> Bool {
        let recording = lockprof_is_recording() != 0
        let waitStart = recording || timeoutNanoseconds >= 0 ? lockprof_now_ns() : 0
        let waiterStack = core.beginSleeping(since: waitStart, recording: recording)
        // Published for `LockProfiler.currentWaits()` and the deadlock watchdog, as a mutex's wait is.
        let publishedWait = recording ? Recorder.publishWait(lockID: core.lockID, since: waitStart, stack: waiterStack) : nil
        defer { publishedWait?.end() }
        let deadline =
            timeoutNanoseconds >= 0 ? WaitClock.deadline(after: waitStart, timeoutNanoseconds: timeoutNanoseconds) : .max
        while true {
            let free = core.word.pointee.load(ordering: .sequentiallyConsistent)
            if free > 0 {
                if core.word.pointee.compareExchange(expected: free, desired: free - 1, ordering: .acquiring).exchanged {
                    break
                }
                continue
            }
            var remaining: Int64 = -1
            if timeoutNanoseconds >= 0 {
                let now = lockprof_now_ns()
                guard now < deadline else {
                    core.removeSleeper()
                    core.timedOut(since: waitStart, at: now, recording: recording, waiterStack: waiterStack, mode: .permit)
                    return false
                }
                remaining = WaitClock.remaining(until: deadline, from: now)
            }
            _ = lockprof_futex_wait(core.futexAddress, 0, remaining)
        }
        core.removeSleeper()
        core.acquiredAfterWait(since: waitStart, recording: recording, waiterStack: waiterStack, mode: .permit)
        return true
    }

    /// A signal while threads sleep: blame this permit holder's stack, then give the permit back.
    @usableFromInline @inline(never)
    func signalSlow() {
        let holderStack = core.accountRelease(holdStart: 0, mode: .permit)
        if holderStack != 0 { core.publishHolderStack(holderStack) }
        core.incrementWordAndWake(upTo: 1)
    }
}

import LockProfFormat
import Synchronization

// MARK: - The counter block
//
// A LockCore's memory is the lock word (LockCore.swift) followed by UInt64 slots, indexed by
// `LockSlot`, in the same 64-byte-aligned block, so the fast paths reach the counters from the
// word's address without loading another pointer.
//
// The counters (UInt64 slots after the word):
//   written only by the holder, with relaxed load + relaxed store (a plain `mov`, no `lock`
//   prefix: they are "plain increments under the lock itself", yet a concurrent snapshot reads
//   them without a data race):
//     acquisitions, contended, sampledHolds, sampledHoldNanoseconds, blockingHolds,
//     blockingHoldNanoseconds, holdStart, holderStack, owner (debug builds only)
//   updated with relaxed read-modify-writes, because some of their writers do not hold the lock
//   (a timed-out waiter gives up without it, yet its wait counts):
//     failedTryLocks, timeouts, sleepers, waitNanoseconds, maximumWait (compare-exchange loop),
//     histogram. Only the contended path writes these, where an atomic add is noise next to the
//     futex calls.
//   firstWaiterArrival: when the waiters now asleep started waiting for the current holder.
//     Stored by a waiter that finds no other sleeper (sleepers went 0 → 1), else set only if 0;
//     moved to `now` by a blocking release (the sleepers left behind now wait for the next
//     holder). Read by a releasing holder whose acquisition was not timed.
//   holderStack: the stack hash a blocking release publishes just before releasing the word;
//     read and cleared (under the lock) by the waiter that acquires next, so each published
//     stack is blamed by exactly one contention event, and never by a later, unrelated one.

/// Indices of the 64-bit slots that follow the lock word.
@usableFromInline
enum LockSlot {
    @usableFromInline static let acquisitions = 0
    /// Time the current hold began when it is timed (sampled, or begun by a wait), else 0.
    @usableFromInline static let holdStart = 1
    /// The holder's thread token in debug builds, for the non-owner unlock check.
    @usableFromInline static let owner = 2
    @usableFromInline static let sleepers = 3
    static let contended = 4
    static let waitNanoseconds = 5
    static let maximumWait = 6
    static let sampledHolds = 7
    static let sampledHoldNanoseconds = 8
    static let blockingHolds = 9
    static let blockingHoldNanoseconds = 10
    static let failedTryLocks = 11
    static let timeouts = 12
    static let firstWaiterArrival = 13
    static let holderStack = 14
    static let histogram = 15
    // Per-kind counters (see the kinds' files for who writes them and how).
    /// Recursive locks: acquisitions by the thread already holding the lock.
    @usableFromInline static let reentries = histogram + TraceLimits.histogramBuckets
    /// Reader-writer locks: the reader side's acquisitions, contended acquisitions and wait.
    @usableFromInline static let sharedAcquisitions = reentries + 1
    static let sharedContended = reentries + 2
    static let sharedWaitNanoseconds = reentries + 3
    /// Conditions: time spent asleep in `wait()`, and signal/broadcast calls.
    static let conditionWaitNanoseconds = reentries + 4
    @usableFromInline static let signals = reentries + 5
    @usableFromInline static let broadcasts = reentries + 6
    static let count = reentries + 7
}

extension LockCore {
    /// The counters, indexed by ``LockSlot``: always the 8 bytes after the word, so the fast
    /// paths reach them from the word's address without loading another pointer.
    @inlinable
    var slots: UnsafeMutablePointer<Atomic<UInt64>> {
        @inline(__always) get { LockCore.slots(word) }
    }

    /// The counters of the lock whose word is at `word` (see ``slots``).
    @inlinable @inline(__always)
    static func slots(_ word: UnsafeMutablePointer<Atomic<UInt32>>) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (UnsafeMutableRawPointer(word) + 8).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// A plain increment by the holder (relaxed load + store; see the protocol above).
    @inline(__always)
    func add(_ value: UInt64, to slot: Int) {
        slots[slot].store(slots[slot].load(ordering: .relaxed) &+ value, ordering: .relaxed)
    }

    /// Counts an acquisition by the thread already holding a recursive lock (only the holder
    /// writes the slot: a plain increment, see the protocol above).
    @inlinable @inline(__always)
    func countReentry() {
        slots[LockSlot.reentries].store(slots[LockSlot.reentries].load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    @usableFromInline @inline(never)
    func countFailedTryLock() {
        slots[LockSlot.failedTryLocks].wrappingAdd(1, ordering: .relaxed)
    }

    // Counts of the family kinds, by name (who writes each, and how: the protocol above).

    /// Counts an acquisition made beside other writers of the slot (a semaphore's permits are
    /// held by several threads at once; a condition counts its `wait` calls while signalers
    /// write neighbouring slots): an atomic add.
    @inlinable @inline(__always)
    func countConcurrentAcquisition() {
        slots[LockSlot.acquisitions].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a reader-writer lock's uncontended read acquisition: readers hold the lock
    /// together, so an atomic add, into the readers' own slot.
    @inlinable @inline(__always)
    func countSharedAcquisition() {
        slots[LockSlot.sharedAcquisitions].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a timed wait that gave up (the waiter does not hold the lock: an atomic add).
    func countTimeout() {
        slots[LockSlot.timeouts].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a condition's `signal()` (any thread may call it: an atomic add).
    func countSignal() {
        slots[LockSlot.signals].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a condition's `broadcast()` (any thread may call it: an atomic add).
    func countBroadcast() {
        slots[LockSlot.broadcasts].wrappingAdd(1, ordering: .relaxed)
    }

    /// Adds the time one of a condition's waiters spent asleep in `wait()` (an atomic add).
    func countConditionWait(_ nanoseconds: UInt64) {
        slots[LockSlot.conditionWaitNanoseconds].wrappingAdd(nanoseconds, ordering: .relaxed)
    }
}

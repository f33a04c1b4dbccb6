import LockProfFormat
import Synchronization

// MARK: - The counter block
//
// A LockCore's memory is the lock word (LockCore.swift) followed by UInt64 slots, indexed by
// `LockSlot`, in the same 64-byte-aligned block, so the fast paths reach the counters from the
// word's address without loading another pointer.
//
// The slots (UInt64), in this order (`LockSlot`): `acquisitions`, the one counter the
// uncontended path writes; the runtime's own slots (holdStart, owner, sleepers,
// firstWaiterArrival, holderStack); every other counter of the schema, in `LockCounter` order
// (LockProfFormat: the one list of them, which the snapshot and the trace record share); the
// 64-bucket wait histogram. Adding a counter to `LockCounter` adds its slot here.
//
// How each is written:
//   written only by the holder, with relaxed load + relaxed store (a plain `mov`, no `lock`
//   prefix: they are "plain increments under the lock itself", yet a concurrent snapshot reads
//   them without a data race):
//     acquisitions, contendedAcquisitions, sampledHolds, sampledHoldNanoseconds, blockingHolds,
//     blockingHoldNanoseconds, reentries, holdStart, holderStack, owner (debug builds only)
//   updated with relaxed read-modify-writes, because some of their writers do not hold the lock
//   (a timed-out waiter gives up without it, yet its wait counts), or hold it together with
//   others (readers, permits: see `HoldMode`, which also decides how the counters above are
//   written for them):
//     failedTryLocks, timeouts, sleepers, waitNanoseconds, maximumWaitNanoseconds
//     (compare-exchange loop), histogram, the shared… counters, conditionWaitNanoseconds,
//     signals, broadcasts. Only the contended path and the family kinds write these, where an
//     atomic add is noise next to the futex calls.
//   firstWaiterArrival: when the waiters now asleep started waiting for the current holder.
//     Stored by a waiter that finds no other sleeper (sleepers went 0 → 1), else set only if 0;
//     moved to `now` by a blocking release (the sleepers left behind now wait for the next
//     holder). Read by a releasing holder whose acquisition was not timed.
//   holderStack: the stack hash a blocking release publishes just before releasing the word;
//     read and cleared (under the lock) by the waiter that acquires next, so each published
//     stack is blamed by exactly one contention event, and never by a later, unrelated one.

/// Indices of the 64-bit slots that follow the lock word (the layout above).
@usableFromInline
enum LockSlot {
    /// ``LockCounter/acquisitions``: first, at the word's address + 8.
    @usableFromInline static let acquisitions = 0
    /// Time the current hold began when it is timed (sampled, or begun by a wait), else 0.
    @usableFromInline static let holdStart = 1
    /// The holder's thread token in debug builds, for the non-owner unlock check.
    @usableFromInline static let owner = 2
    /// Threads asleep on the lock, or about to sleep.
    @usableFromInline static let sleepers = 3
    static let firstWaiterArrival = 4
    static let holderStack = 5
    /// The runtime's own slots, between `acquisitions` and the other counters.
    @usableFromInline static let runtimeSlots = 5

    /// The slot of `counter`.
    @inlinable @inline(__always)
    static func of(_ counter: LockCounter) -> Int {
        counter == .acquisitions ? acquisitions : runtimeSlots + counter.rawValue
    }

    /// The first of the histogram's ``TraceLimits/histogramBuckets`` slots.
    static let histogram = runtimeSlots + LockCounter.allCases.count
    static let count = histogram + TraceLimits.histogramBuckets
}

extension LockCounters {
    /// Reads a lock's counters from its slots, with relaxed loads (see the protocol above).
    init(_ slots: UnsafeMutablePointer<Atomic<UInt64>>) {
        self.init()
        for counter in LockCounter.allCases { self[counter] = slots[LockSlot.of(counter)].load(ordering: .relaxed) }
        // Readers of a reader-writer lock count in their own slot (atomic adds); the lock's
        // acquisitions are both sides'.
        self[.acquisitions] &+= self[.sharedAcquisitions]
        waitHistogram = (0..<TraceLimits.histogramBuckets).map { slots[LockSlot.histogram + $0].load(ordering: .relaxed) }
    }
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
        slots[LockSlot.of(.reentries)].store(slots[LockSlot.of(.reentries)].load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    @usableFromInline @inline(never)
    func countFailedTryLock() {
        slots[LockSlot.of(.failedTryLocks)].wrappingAdd(1, ordering: .relaxed)
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
        slots[LockSlot.of(.sharedAcquisitions)].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a timed wait that gave up (the waiter does not hold the lock: an atomic add).
    func countTimeout() {
        slots[LockSlot.of(.timeouts)].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts one event in `counter` where any thread may count it (a condition's `signal()` and
    /// `broadcast()` calls): an atomic add.
    @inline(__always)
    func countAtomically(_ counter: LockCounter) {
        slots[LockSlot.of(counter)].wrappingAdd(1, ordering: .relaxed)
    }

    /// Adds the time one of a condition's waiters spent asleep in `wait()` (an atomic add).
    func countConditionWait(_ nanoseconds: UInt64) {
        slots[LockSlot.of(.conditionWaitNanoseconds)].wrappingAdd(nanoseconds, ordering: .relaxed)
    }
}

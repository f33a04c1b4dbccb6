import LockProfFormat
import Synchronization

// MARK: - The counter block
//
// A LockCore's memory is one 64-byte block, 16-byte aligned (not 64: posix_memalign cost a
// million locks more than it saved, docs/design.md; the word and `acquisitions`, bytes 0–15,
// still always share a cache line): the lock word (LockCore.swift), the `touched` word, and
// seven UInt64 slots indexed by `LockSlot`, so the fast paths reach the counters from the word's
// address without loading another pointer:
//
//   offset 0   word (UInt32)                 offset 4   touched (UInt32)
//   offset 8   acquisitions                  offset 16  holdStart
//   offset 24  owner (debug builds)          offset 32  sleepers
//   offset 40  sampledHolds                  offset 48  sampledHoldNanoseconds
//   offset 56  side: the address of the side block, or 0
//
// Everything a lock that never waits never writes lives in the side block (LockSideBlock.swift):
// the contended path's own slots, every other counter of the schema and the 64-bucket wait
// histogram. It is allocated by the first thread that writes one of them (a waiter, a failed
// tryLock, a family kind's count) and published with a compare-exchange; an idle lock has none.
// `sampledHolds` stay here: while recording, the first acquisition of every lock is a sampled
// hold, and a side block per lock taken once would cost what the split saves.
//
// How each is written:
//   written only by the holder, with relaxed load + relaxed store (a plain `mov`, no `lock`
//   prefix: they are "plain increments under the lock itself", yet a concurrent snapshot reads
//   them without a data race):
//     acquisitions, contendedAcquisitions, sampledHolds, sampledHoldNanoseconds, blockingHolds,
//     blockingHoldNanoseconds, reentries, holdStart, holderStack, owner (debug builds only),
//     cpuMeasuredHoldNanoseconds, holderCPUNanoseconds and the side block's holdStartCPU and
//     holdStartThread (LockCore+HolderCPU.swift)
//   updated with relaxed read-modify-writes, because some of their writers do not hold the lock
//   (a timed-out waiter gives up without it, yet its wait counts), or hold it together with
//   others (readers, permits: see `HoldMode`, which also decides how the counters above are
//   written for them):
//     failedTryLocks, timeouts, sleepers, waitNanoseconds, maximumWaitNanoseconds
//     (compare-exchange loop), histogram, the shared… counters, conditionWaitNanoseconds,
//     signals, broadcasts. Only the contended path and the family kinds write these, where an
//     atomic add is noise next to the futex calls.
//   firstWaiterArrival (side): when the waiters now asleep started waiting for the current holder.
//     Stored by a waiter that finds no other sleeper (sleepers went 0 → 1), else set only if 0;
//     moved to `now` by a blocking release (the sleepers left behind now wait for the next
//     holder). Read by a releasing holder whose acquisition was not timed.
//   holderStack (side): the stack hash a blocking release publishes just before releasing the
//     word; read and cleared (under the lock) by the waiter that acquires next, so each published
//     stack is blamed by exactly one contention event, and never by a later, unrelated one.
//   touched: 1 once any counter was written while a session may be reading them, 0 once the
//     collector has written the lock's counters (TraceCollector.checkpoint). Every counting path
//     but the one of an acquisition made while not recording stores 1 with release ordering
//     *after* its counter writes; the collector exchanges it to 0 with acquire ordering *before*
//     it reads the counters. So a checkpoint that finds 0 leaves nothing unwritten that the next
//     one will not find 1, and one that finds 1 reads every count that store covered. A lock
//     nobody counted since the last checkpoint costs that checkpoint nothing in the trace.

/// Indices of the 64-bit slots that follow the lock word and the touched word (the layout above).
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
    /// ``LockCounter/sampledHolds``.
    static let sampledHolds = 4
    /// ``LockCounter/sampledHoldNanoseconds``.
    static let sampledHoldNanoseconds = 5
    /// The side block's address (LockSideBlock.swift), 0 until a thread needs it.
    static let side = 6
    /// Slots after the two words: the block is 8 + 8 × 7 = 64 bytes.
    static let count = 7

    /// The slot of `counter` when it is kept here, nil when it is in the side block.
    @inline(__always)
    static func of(_ counter: LockCounter) -> Int? {
        switch counter {
        case .acquisitions: acquisitions
        case .sampledHolds: sampledHolds
        case .sampledHoldNanoseconds: sampledHoldNanoseconds
        default: nil
        }
    }
}

extension LockCounters {
    /// Reads a lock's counters from its block and side block (nil: never allocated, all 0), with
    /// relaxed loads (see the protocol above).
    init(_ slots: UnsafeMutablePointer<Atomic<UInt64>>, side: UnsafeMutablePointer<Atomic<UInt64>>?) {
        self.init()
        for counter in LockCounter.allCases {
            if let slot = LockSlot.of(counter) {
                self[counter] = slots[slot].load(ordering: .relaxed)
            } else if let side {
                self[counter] = side[SideSlot.of(counter)].load(ordering: .relaxed)
            }
        }
        // Readers of a reader-writer lock count in their own slot (atomic adds); the lock's
        // acquisitions are both sides'.
        self[.acquisitions] &+= self[.sharedAcquisitions]
        if let side {
            waitHistogram = (0..<TraceLimits.histogramBuckets).map { side[SideSlot.histogram + $0].load(ordering: .relaxed) }
        }
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

    /// The touched word of the lock whose word is at `word` (the protocol above).
    @inlinable @inline(__always)
    static func touched(_ word: UnsafeMutablePointer<Atomic<UInt32>>) -> UnsafeMutablePointer<Atomic<UInt32>> {
        word + 1
    }

    /// Marks the lock touched, after the counter writes it covers (releasing: the protocol above).
    @inlinable @inline(__always)
    static func markTouched(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        touched(word).pointee.store(1, ordering: .releasing)
    }

    /// ``markTouched(_:)`` of this lock.
    @inlinable @inline(__always)
    func markTouched() { LockCore.markTouched(word) }

    /// The slot of `counter`, in the block or in the side block (allocated if need be).
    @inline(__always)
    func counterSlot(_ counter: LockCounter) -> UnsafeMutablePointer<Atomic<UInt64>> {
        if let slot = LockSlot.of(counter) { return slots + slot }
        return sideSlots + SideSlot.of(counter)
    }

    /// A plain increment by the holder (relaxed load + store; see the protocol above).
    @inline(__always)
    func add(_ value: UInt64, to counter: LockCounter) {
        let slot = counterSlot(counter)
        slot.pointee.store(slot.pointee.load(ordering: .relaxed) &+ value, ordering: .relaxed)
    }

    /// An atomic add, for the counters some of whose writers do not hold the lock alone.
    @inline(__always)
    func addAtomically(_ value: UInt64, to counter: LockCounter) {
        counterSlot(counter).pointee.wrappingAdd(value, ordering: .relaxed)
    }

    /// Counts an acquisition by the thread already holding a recursive lock (only the holder
    /// writes the slot: a plain increment, see the protocol above).
    @usableFromInline @inline(never)
    func countReentry() {
        add(1, to: .reentries)
        markTouched()
    }

    @usableFromInline @inline(never)
    func countFailedTryLock() {
        addAtomically(1, to: .failedTryLocks)
        markTouched()
    }

    // Counts of the family kinds, by name (who writes each, and how: the protocol above).

    /// Counts an acquisition made beside other writers of the slot (a semaphore's permits are
    /// held by several threads at once; a condition counts its `wait` calls while signalers
    /// write neighbouring slots): an atomic add.
    @inlinable @inline(__always)
    func countConcurrentAcquisition() {
        slots[LockSlot.acquisitions].wrappingAdd(1, ordering: .relaxed)
        markTouched()
    }

    /// Counts a reader-writer lock's uncontended read acquisition: readers hold the lock
    /// together, so an atomic add, into the readers' own slot.
    @usableFromInline @inline(never)
    func countSharedAcquisition() {
        addAtomically(1, to: .sharedAcquisitions)
        markTouched()
    }

    /// Counts a timed wait that gave up (the waiter does not hold the lock: an atomic add).
    func countTimeout() {
        addAtomically(1, to: .timeouts)
        markTouched()
    }

    /// Counts one event in `counter` where any thread may count it (a condition's `signal()` and
    /// `broadcast()` calls): an atomic add.
    func countAtomically(_ counter: LockCounter) {
        addAtomically(1, to: counter)
        markTouched()
    }

    /// Adds the time one of a condition's waiters spent asleep in `wait()` (an atomic add).
    func countConditionWait(_ nanoseconds: UInt64) {
        addAtomically(nanoseconds, to: .conditionWaitNanoseconds)
        markTouched()
    }
}

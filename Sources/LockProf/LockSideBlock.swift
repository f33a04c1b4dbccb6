import LockProfFormat
import Synchronization

// MARK: - The side block
//
// What a lock that never waits never writes: the contended path's own slots (`firstWaiterArrival`,
// `holderStack`, `holdStartCPU`, `holdStartThread`, `cpuMeasuredHoldStart`), every counter of the schema
// that is not in the lock's block (LockSlot.of returns nil for it) and the 64-bucket wait
// histogram: 88 UInt64 slots, 704 bytes, allocated on first need. How each slot is written: LockCore+CounterBlock.swift.
//
// Publication: the block's address is the lock block's `side` slot, 0 until then. A thread that
// needs it and reads 0 allocates a zeroed block and compare-exchanges it in, 0 → address
// (acquiring and releasing: the winner's zeroes are visible to every thread that reads the
// address with acquire ordering); the loser frees its own block and uses the winner's. Readers
// that only look (snapshots, the collector, the fork reset) load the address with acquire
// ordering and treat 0 as all counters 0. The block lives as long as the lock: `LockCore.deinit`
// frees it, after the lock has left the registry, so no reader can still hold its address.

/// Indices of the side block's UInt64 slots (the layout above).
enum SideSlot {
    /// When the waiters now asleep started waiting for the current holder.
    static let firstWaiterArrival = 0
    /// The stack hash the last blocking release published for the next waiter.
    static let holderStack = 1
    /// The holder's CPU clock when the current timed hold began, 0 when not read
    /// (LockCore+HolderCPU.swift).
    static let holdStartCPU = 2
    /// The thread token of the holder that read `holdStartCPU`.
    static let holdStartThread = 3
    /// When (wall clock) the latest hold that read the holder's CPU clock began; a timed hold
    /// reads it only ``LockCore/holderCPUInterval`` after that (LockCore+HolderCPU.swift).
    static let cpuMeasuredHoldStart = 4
    /// The contended path's own slots, before the counters.
    static let runtimeSlots = 5

    /// The slot of `counter`, one of those kept here (``LockSlot/of(_:)`` returns nil for it);
    /// the slots of the counters kept in the lock's block stay unused.
    @inline(__always)
    static func of(_ counter: LockCounter) -> Int { runtimeSlots + counter.rawValue }

    /// The first of the histogram's ``TraceLimits/histogramBuckets`` slots.
    static let histogram = runtimeSlots + LockCounter.allCases.count
    static let count = histogram + TraceLimits.histogramBuckets
}

extension LockCore {
    /// The side block, allocated by the first thread that needs it (the protocol above).
    var sideSlots: UnsafeMutablePointer<Atomic<UInt64>> {
        @inline(__always) get {
            if let side = existingSideSlots { return side }
            return allocateSideSlots()
        }
    }

    /// The side block if a thread has allocated it, else nil (every slot of it is then 0).
    var existingSideSlots: UnsafeMutablePointer<Atomic<UInt64>>? {
        LockCore.existingSideSlots(slots)
    }

    /// The side block of the lock whose block's slots are `slots`, or nil.
    static func existingSideSlots(_ slots: UnsafeMutablePointer<Atomic<UInt64>>) -> UnsafeMutablePointer<Atomic<UInt64>>? {
        UnsafeMutablePointer(bitPattern: UInt(slots[LockSlot.side].load(ordering: .acquiring)))
    }

    @inline(never)
    private func allocateSideSlots() -> UnsafeMutablePointer<Atomic<UInt64>> {
        let mine = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: SideSlot.count)
        for index in 0..<SideSlot.count { (mine + index).initialize(to: Atomic(0)) }
        let address = UInt64(UInt(bitPattern: mine))
        let (exchanged, winner) = slots[LockSlot.side].compareExchange(
            expected: 0, desired: address, ordering: .acquiringAndReleasing)
        if exchanged { return mine }
        mine.deinitialize(count: SideSlot.count)
        mine.deallocate()
        return UnsafeMutablePointer(bitPattern: UInt(winner))!
    }

    /// Frees the side block, if any: from `deinit` only.
    func freeSideSlots() {
        guard let side = existingSideSlots else { return }
        side.deinitialize(count: SideSlot.count)
        side.deallocate()
    }
}

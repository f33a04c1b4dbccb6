import Synchronization

/// One block of a ``ThreadRing``'s words: a power-of-two number of 64-bit words, word `i` of the
/// ring's stream at `words[i & mask]`. A ring starts with ``minimumCapacity`` words and the
/// collector hands a busy one a bigger block (``ThreadRing``'s hand-over protocol), up to
/// ``maximumCapacity``; an idle one gets a small block back. A plain pair of pointer and length
/// that can travel through an atomic word (``bits``): who owns the block, and when it is freed,
/// is the ring's protocol, not this type's.
struct RingStorage {
    let words: UnsafeMutablePointer<UInt64>
    /// Words in the block, a power of two.
    let capacity: Int

    /// 512 words (4 KiB): 170 events of 3 words, or 7 stacks of 64 frames with their events,
    /// between two drains. What a thread that records a handful of events ever gets.
    static let minimumCapacity = 1 << 9
    /// 64 Ki words (512 KiB): 21 845 events of 3 words, sized for the burst of one extreme
    /// producer between two drains (docs/performance.md, "Drain").
    static let maximumCapacity = 1 << 16
    /// Each hand-over to a busy ring multiplies its capacity by this: 512 → 4 Ki → 32 Ki → 64 Ki
    /// words, three hand-overs from the smallest to the largest.
    static let growthFactor = 8

    /// Bytes of ring blocks allocated now, all rings together (read by the benchmarks).
    static let allocatedBytes = Atomic<Int>(0)

    /// The capacity after `capacity` for a ring that fills faster than the collector drains it.
    static func grown(from capacity: Int) -> Int { min(capacity * growthFactor, maximumCapacity) }

    /// Allocates a block of `capacity` words (uninitialized: only written words are read).
    static func allocate(capacity: Int) -> RingStorage {
        precondition(capacity >= minimumCapacity && capacity <= maximumCapacity && capacity & (capacity - 1) == 0)
        allocatedBytes.add(capacity * MemoryLayout<UInt64>.stride, ordering: .relaxed)
        return RingStorage(words: .allocate(capacity: capacity), capacity: capacity)
    }

    /// Frees the block. Only its last owner calls this, once.
    func deallocate() {
        RingStorage.allocatedBytes.subtract(capacity * MemoryLayout<UInt64>.stride, ordering: .relaxed)
        words.deallocate()
    }

    @inline(__always)
    var mask: UInt64 { UInt64(capacity - 1) }

    /// The block's address as a word, for an atomic hand-over (never 0).
    var bits: UInt { UInt(bitPattern: words) }

    /// The block at `bits` (nonzero) of `capacity` words.
    init(bits: UInt, capacity: Int) {
        self.init(words: UnsafeMutablePointer(bitPattern: bits)!, capacity: capacity)
    }

    private init(words: UnsafeMutablePointer<UInt64>, capacity: Int) {
        self.words = words
        self.capacity = capacity
    }
}

import LockProfFormat

/// The (held → acquired) lock pairs one thread has already written into the current session's
/// trace, so that a thread holding N locks writes each pair once, not N events per acquisition.
///
/// Owned by the thread's ``ThreadRing`` and used only by the owning thread, inside
/// ``Recorder/recordLockOrder(acquiring:)``. A fixed open-addressing table of 4 096 keys (32 KiB
/// of zero-filled pages mapped with the ring, never grown, paid only for the pages written: a
/// thread that never nests locks pays none of it): the 496 pairs of a 32-deep snapshot take an
/// eighth of it. A key is `held << 32 | acquired`, exact (no hash to collide), never 0 (0 is never a lock
/// id), so 0 marks a free slot. When a pair's probe window is full the pair cannot be remembered;
/// ``Recorder`` then writes it again when met again (the collector keeps the first) and captures
/// its stack only within the thread's capture budget.
struct RecordedLockOrders {
    static let capacity = 4_096
    private static let indexShift = UInt64(64 - 12)  // log2(capacity) bits of the product
    private static let probeWindow = 16

    private let table = ZeroFilledWords(count: RecordedLockOrders.capacity)
    private var keys: UnsafeMutablePointer<UInt64> { table.base }

    /// Frees the table (by the ring's deinit).
    func deallocate() { table.deallocate() }

    /// Forgets every pair: a new session writes a new trace that has none of them.
    func forgetAll() { table.zeroAll() }

    /// The key of the pair (`held` was held while `acquired` was taken).
    @inline(__always)
    static func key(held: UInt32, acquired: UInt32) -> UInt64 { UInt64(held) << 32 | UInt64(acquired) }

    /// Whether the pair with this key was remembered.
    @inline(__always)
    func contains(_ key: UInt64) -> Bool {
        var index = RecordedLockOrders.home(of: key)
        for _ in 0..<RecordedLockOrders.probeWindow {
            let found = keys[index]
            if found == key { return true }
            if found == 0 { return false }
            index = (index + 1) & (RecordedLockOrders.capacity - 1)
        }
        return false
    }

    /// Whether the pair with this key can be remembered (it is, or its probe window has a free slot).
    func hasRoom(for key: UInt64) -> Bool { slot(for: key) != nil }

    /// Remembers the pair; does nothing when ``hasRoom(for:)`` is false.
    func insert(_ key: UInt64) {
        if let index = slot(for: key) { keys[index] = key }
    }

    private func slot(for key: UInt64) -> Int? {
        var index = RecordedLockOrders.home(of: key)
        for _ in 0..<RecordedLockOrders.probeWindow {
            if keys[index] == key || keys[index] == 0 { return index }
            index = (index + 1) & (RecordedLockOrders.capacity - 1)
        }
        return nil
    }

    /// Fibonacci hashing: the top 12 bits of the key times 2^64 ÷ φ, so that shard locks with
    /// consecutive ids spread over the table.
    @inline(__always)
    private static func home(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> indexShift)
    }
}

/// The collector's map from stack hashes to trace stack ids (1, 2, … in order of first sight):
/// open addressing with linear probing over two parallel arrays, a power-of-two size, grown to
/// twice the size when half full. A lookup of a known hash is a multiply, a mask and a compare or
/// two — no `Hasher`, no allocation — because the collector looks up two stacks per event.
struct StackIDTable {
    /// `hashes[i] == 0` marks a free slot (0 is never a stack hash: it means "no stack").
    private var hashes: [UInt64]
    private var ids: [UInt32]
    /// Ids handed out so far.
    private(set) var count = 0

    init(capacity: Int = 1024) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "capacity must be a power of two")
        hashes = Array(repeating: 0, count: capacity)
        ids = Array(repeating: 0, count: capacity)
    }

    /// The id of a nonzero `hash`, assigned (count + 1) on first sight.
    @inline(__always)
    mutating func id(of hash: UInt64) -> UInt32 {
        let mask = hashes.count - 1
        var slot = Self.home(of: hash, mask: mask)
        while true {
            let stored = hashes[slot]
            if stored == hash { return ids[slot] }
            if stored == 0 { return insert(hash, at: slot) }
            slot = (slot + 1) & mask
        }
    }

    /// The first slot to probe. Stack hashes are FNV-style mixes already; multiplying spreads
    /// them once more so the bits that index the table are well mixed.
    @inline(__always)
    private static func home(of hash: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(never)
    private mutating func insert(_ hash: UInt64, at slot: Int) -> UInt32 {
        count += 1
        let id = UInt32(count)
        hashes[slot] = hash
        ids[slot] = id
        if count * 2 > hashes.count { grow() }
        return id
    }

    private mutating func grow() {
        let oldHashes = hashes
        let oldIDs = ids
        hashes = Array(repeating: 0, count: oldHashes.count * 2)
        ids = Array(repeating: 0, count: oldHashes.count * 2)
        let mask = hashes.count - 1
        for (hash, id) in zip(oldHashes, oldIDs) where hash != 0 {
            var slot = Self.home(of: hash, mask: mask)
            while hashes[slot] != 0 { slot = (slot + 1) & mask }
            hashes[slot] = hash
            ids[slot] = id
        }
    }
}

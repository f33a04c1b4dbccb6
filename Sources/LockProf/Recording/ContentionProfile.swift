import Synchronization

// MARK: - The in-memory contention profile and its protocol
//
// Contention aggregated in the process by (lock, side, stack): the holder side (the stack that
// held the lock while others waited — Go's mutex profile) and the waiter side (the stack that
// waited — Go's block profile). Each entry counts contentions, wait (delay) nanoseconds and, on
// the holder side, the hold nanoseconds of the releases that left waiters behind.
//
// Who writes: the thread that waited, after it has the lock (or gave up), adds its wait to the
// waiter stack it captured while sleeping and to the holder stack the releaser published
// (`LockSlot.holderStack`) — it has just waited, so the ~20 ns of the two additions cost no
// one else anything. The releasing holder adds only its hold, once per release that left
// sleepers behind, where it already spent ~250 ns capturing its stack. Nobody else writes; a
// reader (`snapshot()`) reads while writers write.
//
// The memory: `entryCapacity` entries of 8 words (one cache line each, so two locks' entries
// never share a line), allocated once at the first recording session and never freed or grown:
//   word 0  key    mix(lock, kind, stack hash), never 0; 0 = free. Claimed once with a
//                  compare-exchange 0 → key (relaxed: the key is the only word the claim needs).
//   word 1  meta   lock id << 32 | kind + 1; 0 until the claimer has written word 2. The claimer
//                  stores it releasing; a reader loads it acquiring and skips the entry while 0.
//   word 2  stack hash (written by the claimer before meta)
//   word 3… contentions, delay ns, hold ns: relaxed atomic adds by any thread that found the key.
// An entry is found by linear probing from `key & mask`, at most `probeLimit` slots. Keys of
// distinct (lock, kind, stack) could collide only in all 64 bits (a chance of ~n²/2⁶⁵).
//
// Bounds: a lock side keeps at most `stacksPerLock` distinct stacks, counted in the lock's
// header entry (kind `.holderHeader` / `.waiterHeader`, word 3 = stacks admitted); past it, and
// when the probe finds no room, weight goes to the lock side's `other stacks` entry, and when even
// that cannot be placed, to one process-wide overflow entry (`overflow`, lock id 0). Two threads
// admitting the same new stack at once may both count it: the cap is then reached one early.
// Counts only grow (snapshots are subtracted for deltas).

/// The process-wide in-memory contention profile: bounded, preallocated, lock-free; see above.
final class ContentionProfile: @unchecked Sendable {
    // @unchecked Sendable: all shared memory is atomics, following the protocol above.

    /// The profile every lock records into.
    static let shared = ContentionProfile(entryCapacity: 1 << 14)

    /// Distinct stacks kept per lock and side before weight goes to "other stacks".
    static let stacksPerLock: UInt64 = 64
    static let probeLimit = 32

    /// What an entry holds.
    enum Kind: UInt64 {
        case holder = 0, waiter = 1
        case holderOther = 2, waiterOther = 3
        case holderHeader = 4, waiterHeader = 5

        var side: ProfileSide { rawValue & 1 == 0 ? .holder : .waiter }
    }

    private static let wordsPerEntry = 8
    private let entries: UnsafeMutablePointer<Atomic<UInt64>>
    private let mask: Int
    /// Weight that found no entry at all (the table is full): `[contentions, delay, hold]` of the
    /// holder side, then of the waiter side.
    private let overflow: UnsafeMutablePointer<Atomic<UInt64>>
    /// The stacks' frames, for the readers.
    let stacks: ProfileStackTable

    init(entryCapacity: Int, stackCapacity: Int = 1 << 12) {
        precondition(entryCapacity > 0 && entryCapacity & (entryCapacity - 1) == 0)
        let words = entryCapacity * Self.wordsPerEntry
        let raw = UnsafeMutableRawPointer.allocate(byteCount: words * 8, alignment: 64)
        entries = raw.bindMemory(to: Atomic<UInt64>.self, capacity: words)
        for index in 0..<words { (entries + index).initialize(to: Atomic(0)) }
        overflow = .allocate(capacity: 6)
        for index in 0..<6 { (overflow + index).initialize(to: Atomic(0)) }
        mask = entryCapacity - 1
        stacks = ProfileStackTable(capacity: stackCapacity)
    }

    // Never deinitialized: `shared` lives as long as the process; test instances leak 64 B × capacity.

    // MARK: Writers (the contended path)

    /// A wait of `wait` ns, by a thread whose stack is `waiterStack`, blamed on `holderStack`
    /// (0: not captured). Called by the waiter.
    @inline(__always)
    func addContention(lockID: UInt32, wait: UInt64, waiterStack: UInt64, holderStack: UInt64) {
        add(lockID: lockID, kind: .waiter, stack: waiterStack, contentions: 1, delay: wait, hold: 0)
        add(lockID: lockID, kind: .holder, stack: holderStack, contentions: 1, delay: wait, hold: 0)
    }

    /// A release after `hold` ns that left sleepers behind. Called by the releasing holder.
    @inline(__always)
    func addHold(lockID: UInt32, hold: UInt64, holderStack: UInt64) {
        add(lockID: lockID, kind: .holder, stack: holderStack, contentions: 0, delay: 0, hold: hold)
    }

    private func add(lockID: UInt32, kind: Kind, stack: UInt64, contentions: UInt64, delay: UInt64, hold: UInt64) {
        let base = entry(lockID: lockID, kind: kind, stack: stack) ?? overflow + (kind.side == .holder ? 0 : 3)
        if contentions != 0 { base[0].wrappingAdd(contentions, ordering: .relaxed) }
        if delay != 0 { base[1].wrappingAdd(delay, ordering: .relaxed) }
        if hold != 0 { base[2].wrappingAdd(hold, ordering: .relaxed) }
    }

    /// The value words (contentions, delay, hold) of the entry for (lock, kind, stack), admitted
    /// under the lock's cap, else of its "other stacks" entry; nil when neither has room.
    private func entry(lockID: UInt32, kind: Kind, stack: UInt64) -> UnsafeMutablePointer<Atomic<UInt64>>? {
        let key = Self.key(lockID: lockID, kind: kind, stack: stack)
        if let found = find(key, create: false) { return values(found) }
        let header = find(Self.key(lockID: lockID, kind: kind.side == .holder ? .holderHeader : .waiterHeader, stack: 0),
                          create: true, lockID: lockID, kind: kind.side == .holder ? .holderHeader : .waiterHeader)
        if let header, values(header)[0].wrappingAdd(1, ordering: .relaxed).newValue <= Self.stacksPerLock,
            let created = find(key, create: true, lockID: lockID, kind: kind, stack: stack)
        {
            return values(created)
        }
        let other: Kind = kind.side == .holder ? .holderOther : .waiterOther
        return find(Self.key(lockID: lockID, kind: other, stack: 0), create: true, lockID: lockID, kind: other).map(values)
    }

    /// The entry holding `key`: found, or claimed and published when `create` (see the protocol).
    private func find(
        _ key: UInt64, create: Bool, lockID: UInt32 = 0, kind: Kind = .holder, stack: UInt64 = 0
    ) -> UnsafeMutablePointer<Atomic<UInt64>>? {
        var slot = Int(truncatingIfNeeded: key) & mask
        for _ in 0..<Self.probeLimit {
            let base = entries + slot * Self.wordsPerEntry
            let stored = base[0].load(ordering: .relaxed)
            if stored == key { return base }
            if stored == 0 {
                guard create else { return nil }
                let (claimed, current) = base[0].compareExchange(expected: 0, desired: key, ordering: .relaxed)
                if claimed {
                    base[2].store(stack, ordering: .relaxed)
                    base[1].store(UInt64(lockID) << 32 | (kind.rawValue + 1), ordering: .releasing)
                    return base
                }
                if current == key { return base }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    @inline(__always)
    private func values(_ base: UnsafeMutablePointer<Atomic<UInt64>>) -> UnsafeMutablePointer<Atomic<UInt64>> { base + 3 }

    /// A well-mixed nonzero key (the murmur3 finalizer over the three fields).
    @inline(__always)
    static func key(lockID: UInt32, kind: Kind, stack: UInt64) -> UInt64 {
        var value = stack ^ (UInt64(lockID) << 3 | kind.rawValue) &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value == 0 ? 1 : value
    }

    // MARK: Readers

    /// Every published entry's figures now (header entries excluded), and the overflow.
    func snapshot() -> ContentionProfileSnapshot {
        var snapshot = ContentionProfileSnapshot()
        for slot in 0...mask {
            let base = entries + slot * Self.wordsPerEntry
            let meta = base[1].load(ordering: .acquiring)
            guard meta != 0, let kind = Kind(rawValue: (meta & 0xFFFF_FFFF) - 1), kind.rawValue < 4 else { continue }
            let key = ContentionProfileSnapshot.Key(
                lockID: UInt32(truncatingIfNeeded: meta >> 32), side: kind.side, stack: base[2].load(ordering: .relaxed),
                isOtherStacks: kind.rawValue >= 2)
            snapshot.figures[key] = Self.figures(base + 3)
        }
        for (side, offset) in [(ProfileSide.holder, 0), (.waiter, 3)] {
            let figures = Self.figures(overflow + offset)
            if figures != .init() { snapshot.figures[.init(lockID: 0, side: side, stack: 0, isOtherStacks: true)] = figures }
        }
        return snapshot
    }

    private static func figures(_ values: UnsafeMutablePointer<Atomic<UInt64>>) -> ContentionProfileSnapshot.Figures {
        .init(
            contentions: values[0].load(ordering: .relaxed), delayNanoseconds: values[1].load(ordering: .relaxed),
            holdNanoseconds: values[2].load(ordering: .relaxed))
    }
}

import Synchronization

/// The frames of every stack the in-memory profile can name, by stack hash: a fixed table filled
/// by the thread that captures a stack, read by profile readers. Lock-free, no allocation after
/// creation.
///
/// Protocol: slot `i` has a key word (the stack hash, 0 = free), a count word (frames written,
/// 0 = not yet) and `maximumFrames` plain frame words. A capturing thread claims a free slot with
/// a compare-exchange 0 → hash (relaxed), writes the frames with plain stores, then stores the
/// count releasing; a reader loads the count acquiring and reads the frames only when it is
/// nonzero. A slot's frames are written once, by its claimer, and never again, so a reader that
/// saw the count reads finished frames. Probing is linear from `hash & mask`, at most 16 slots;
/// a stack that finds no room is not kept (profiles show it as `[stack frames not kept]`).
final class ProfileStackTable: @unchecked Sendable {
    // @unchecked Sendable: shared memory follows the protocol above.

    static let maximumFrames = 64
    private static let probeLimit = 16
    private let keys: UnsafeMutablePointer<Atomic<UInt64>>
    private let counts: UnsafeMutablePointer<Atomic<UInt64>>
    /// Allocated, not initialized: pages are touched only by the stacks written into them.
    private let frames: UnsafeMutablePointer<UInt64>
    private let mask: Int

    init(capacity: Int) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0)
        mask = capacity - 1
        keys = .allocate(capacity: capacity)
        counts = .allocate(capacity: capacity)
        for index in 0..<capacity {
            (keys + index).initialize(to: Atomic(0))
            (counts + index).initialize(to: Atomic(0))
        }
        frames = .allocate(capacity: capacity * Self.maximumFrames)
    }

    /// Keeps `addresses` (innermost first) as the frames of `hash` unless some thread already did.
    /// Called by the capturing thread, right after it captured the stack.
    func intern(hash: UInt64, addresses: UnsafeBufferPointer<UInt64>) {
        guard hash != 0, !addresses.isEmpty else { return }
        var slot = Int(truncatingIfNeeded: hash) & mask
        for _ in 0..<Self.probeLimit {
            let stored = keys[slot].load(ordering: .relaxed)
            if stored == hash { return }
            if stored == 0 {
                let (claimed, current) = keys[slot].compareExchange(expected: 0, desired: hash, ordering: .relaxed)
                if claimed {
                    let count = min(addresses.count, Self.maximumFrames)
                    let target = frames + slot * Self.maximumFrames
                    for index in 0..<count { target[index] = addresses[index] }
                    counts[slot].store(UInt64(count), ordering: .releasing)
                    return
                }
                if current == hash { return }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The frames of `hash` (innermost first), nil when the table does not have them (yet).
    func addresses(of hash: UInt64) -> [UInt64]? {
        guard hash != 0 else { return nil }
        var slot = Int(truncatingIfNeeded: hash) & mask
        for _ in 0..<Self.probeLimit {
            let stored = keys[slot].load(ordering: .relaxed)
            if stored == 0 { return nil }
            if stored == hash {
                let count = Int(counts[slot].load(ordering: .acquiring))
                guard count > 0 else { return nil }
                return Array(UnsafeBufferPointer(start: frames + slot * Self.maximumFrames, count: count))
            }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

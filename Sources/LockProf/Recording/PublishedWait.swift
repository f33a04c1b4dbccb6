import CLockProfSupport
import Synchronization

// MARK: - The published wait and its protocol
//
// What is known about a thread's wait: the profiled lock it sleeps on now, since when, where
// (its stack hash), and the profiled locks it holds. One per ThreadRing. Written only by the
// owning thread, on the contended path, while recording, just before it sleeps (it would sleep
// anyway) and again when it stops waiting; never on the uncontended path.
//
// Two readers, any number of times at once, from any thread: the deadlock watchdog
// (``DeadlockWatchdog``, on the collector thread) and the scrape — ``LockProfiler/currentWaits()``,
// which `/debug/lockprof/locks` calls on the endpoint's event-loop thread. Readers only load, so
// they never disturb each other or the writer; the writer never waits for a reader.
//
// A sequence lock (Boehm, "Can seqlocks get along with programming language memory models?",
// 2012; the Linux kernel's seqcount), every field an atomic:
//   writer  s = sequence (relaxed: only this thread writes it); sequence = s + 1 (relaxed);
//           release fence; the fields (relaxed stores); sequence = s + 2 (releasing).
//   reader  s1 = sequence (acquiring), nil when odd; the fields (relaxed loads); acquire fence;
//           s2 = sequence (relaxed); keeps what it read only when s2 == s1.
// Why it is enough: a reader whose s1 is the writer's s + 2 acquires that releasing store, so it
// sees every field stored before it. A reader that loaded any field a later write stored (after
// that write's release fence) synchronizes, fence to fence, with that write, so its s2 sees at
// least that write's odd sequence and differs from s1: a torn reading is always thrown away. A
// reader that meets a write in progress reports "not waiting" this time; the watchdog looks
// again 100 ms later, a scrape on its next request. On x86 every one of these is a plain move:
// nothing locked on the waiter's path (docs/performance.md, "Publishing a wait"; it was 13
// locked instructions when every access was sequentially consistent). `lockID` 0 means "not
// waiting". PublishedWaitTests is the stress test: a reader never gets a mix of two waits (it
// does, within a million writes, when the writer leaves `sequence` even while it writes).
//
// Held locks are the thread's held-lock stack (held_locks.c) as it stands when the wait begins:
// only locks acquired while recording are on it. At most ``maximumHeld`` are published, the
// innermost (last taken) ones, which are the ones a cycle runs through in practice.

/// A thread's current wait, published for the deadlock watchdog and the scrape (see the protocol above).
final class PublishedWait: @unchecked Sendable {
    // @unchecked Sendable: every field is an atomic accessed as the protocol above says.

    /// Held locks published per wait at most.
    static let maximumHeld = 8

    private let sequence = Atomic<UInt64>(0)
    private let lockID = Atomic<UInt32>(0)
    private let since = Atomic<UInt64>(0)
    private let stack = Atomic<UInt64>(0)
    private let heldCount = Atomic<UInt32>(0)
    /// Two held lock ids per word (low half first).
    private let held0 = Atomic<UInt64>(0)
    private let held1 = Atomic<UInt64>(0)
    private let held2 = Atomic<UInt64>(0)
    private let held3 = Atomic<UInt64>(0)

    /// One consistent reading of the wait.
    struct Snapshot: Equatable {
        var lockID: UInt32
        var since: UInt64
        var stack: UInt64
        var held: [UInt32]
    }

    /// By the owning thread, before it sleeps on `lockID`: publishes the wait and the locks held.
    func begin(lockID waitedFor: UInt32, since start: UInt64, stack waiterStack: UInt64) {
        let depth = Int(lockprof_held_depth())
        let first = max(0, depth - Self.maximumHeld)
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (slot, index) in (first..<depth).enumerated() {
            let part = UInt64(lockprof_held_lock(UInt32(index))) << (32 * UInt64(slot % 2))
            switch slot / 2 {
            case 0: words.0 |= part
            case 1: words.1 |= part
            case 2: words.2 |= part
            default: words.3 |= part
            }
        }
        let before = beginWrite()
        lockID.store(waitedFor, ordering: .relaxed)
        since.store(start, ordering: .relaxed)
        stack.store(waiterStack, ordering: .relaxed)
        heldCount.store(UInt32(depth - first), ordering: .relaxed)
        held0.store(words.0, ordering: .relaxed)
        held1.store(words.1, ordering: .relaxed)
        held2.store(words.2, ordering: .relaxed)
        held3.store(words.3, ordering: .relaxed)
        sequence.store(before &+ 2, ordering: .releasing)
    }

    /// By the owning thread, when the wait is over (acquired or given up).
    func end() {
        let before = beginWrite()
        lockID.store(0, ordering: .relaxed)
        sequence.store(before &+ 2, ordering: .releasing)
    }

    /// The writer's first step: `sequence` odd, then the release fence. Returns the even value
    /// it had.
    @inline(__always)
    private func beginWrite() -> UInt64 {
        let before = sequence.load(ordering: .relaxed)
        sequence.store(before &+ 1, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        return before
    }

    /// By a reader (the watchdog, a scrape): the wait now, nil when the thread is not waiting or
    /// is writing it.
    func read() -> Snapshot? {
        let before = sequence.load(ordering: .acquiring)
        guard before & 1 == 0 else { return nil }
        let lock = lockID.load(ordering: .relaxed)
        let start = since.load(ordering: .relaxed)
        let waiterStack = stack.load(ordering: .relaxed)
        let count = Int(min(heldCount.load(ordering: .relaxed), UInt32(Self.maximumHeld)))
        let words = [
            held0.load(ordering: .relaxed), held1.load(ordering: .relaxed),
            held2.load(ordering: .relaxed), held3.load(ordering: .relaxed),
        ]
        atomicMemoryFence(ordering: .acquiring)
        guard sequence.load(ordering: .relaxed) == before, lock != 0 else { return nil }
        let held = (0..<count).map { UInt32(truncatingIfNeeded: words[$0 / 2] >> (32 * UInt64($0 % 2))) }
        return Snapshot(lockID: lock, since: start, stack: waiterStack, held: held)
    }
}

import CLockProfSupport
import LockProfFormat

// MARK: - The live deadlock watchdog
//
// The collector thread is awake anyway; every ``checkInterval`` it reads each thread's published
// wait (``PublishedWait``) and looks for threads that sleep in a cycle: T1 sleeps on a lock T2
// holds, T2 on one T3 holds, …, Tn on one T1 holds. A thread that sleeps holds still, so when
// every wait of the cycle is older than the threshold (`LOCKPROF_DEADLOCK_AFTER`, 1 s by
// default), none of them will ever end: the program is deadlocked. The watchdog reports each
// cycle once (a cycle is its threads' waits, each known by thread and start time) and never
// stops, wakes or kills anything.
//
// What a cycle means for each kind: a mutex, a `ProfiledLock` and a recursive lock (however deep
// its owner went) have one owner, so "T holds L" is exact. A `ProfiledRWLock`'s holders (its
// readers, or its writer) are all on their held-lock stacks, and any one the watchdog finds is one
// the waiter needs, so a cycle through an rwlock is a deadlock too (one holder is kept per lock,
// so a cycle through another reader can be missed). A semaphore is held by nobody (any thread may
// signal): its waits are published, for stalls, but close no cycle. docs/design.md, "What a cycle
// means for each kind".
//
// Stalls: a wait older than the stall limit (`LOCKPROF_STALL_AFTER`, 10 s by default) whose
// thread is in no cycle is reported once (known by thread and wait start, like a cycle): its
// holder is alive but off doing something else. A thread of a reported cycle is never a stall.

/// Finds threads sleeping in a cycle on profiled locks, and threads stuck in one long wait
/// outside any cycle (see the protocol above).
struct DeadlockWatchdog {
    /// One thread of a cycle: its ring (thread id, name) and its wait.
    struct Waiter {
        var ring: ThreadRing
        var wait: PublishedWait.Snapshot
    }

    /// How long every wait of a cycle must have lasted before it is a deadlock; nil: no cycles
    /// are looked for.
    let threshold: UInt64?
    /// How long one wait outside any cycle must have lasted before it is a stall; nil: none is.
    let stallThreshold: UInt64?
    /// The cycles reported, each as its sorted (thread, wait start) pairs.
    private var reported: Set<[UInt64]> = []
    /// The waits of the reported cycles, and the stalls reported, as (thread, wait start).
    private var inCycles: Set<[UInt64]> = []
    private var reportedStalls: Set<[UInt64]> = []

    /// Nanoseconds between two looks (the collector's checkpoint interval is 100 ms).
    static let checkInterval: UInt64 = 100_000_000
    /// The threshold when `LOCKPROF_DEADLOCK_AFTER` is not set: 1 second.
    static let defaultThreshold: UInt64 = 1_000_000_000

    /// The stall limit when `LOCKPROF_STALL_AFTER` is not set: 10 seconds.
    static let defaultStallThreshold: UInt64 = 10_000_000_000

    init(threshold: UInt64?, stallThreshold: UInt64? = nil) {
        self.threshold = threshold
        self.stallThreshold = stallThreshold
    }

    /// The watchdog `LOCKPROF_DEADLOCK_AFTER` and `LOCKPROF_STALL_AFTER` ask for: seconds (a
    /// decimal number > 0), `off` for none; unset or empty, the default (1 s, 10 s). A value it
    /// cannot read is reported on one line and the default is used. Nil when both are off.
    static func fromEnvironment() -> DeadlockWatchdog? {
        let cycles = seconds("LOCKPROF_DEADLOCK_AFTER", default: defaultThreshold)
        let stalls = seconds("LOCKPROF_STALL_AFTER", default: defaultStallThreshold)
        if cycles == nil && stalls == nil { return nil }
        return DeadlockWatchdog(threshold: cycles, stallThreshold: stalls)
    }

    /// The nanoseconds `variable` says (nil for `off`), or `fallback`.
    private static func seconds(_ variable: String, default fallback: UInt64) -> UInt64? {
        guard let value = CurrentProcess.environmentValue(variable), !value.isEmpty else { return fallback }
        if value == "off" { return nil }
        guard let seconds = Double(value), seconds > 0, seconds < 1e9 else {
            try? FileDescriptor.standardError.writeAll(
                "lockprof: \(variable): '\(value)' is not a number of seconds > 0 or 'off'; using \(fallback / 1_000_000_000) s\n")
            return fallback
        }
        return UInt64(seconds * 1e9)
    }

    /// The published waits of `rings` that began at least `limit` before `now`.
    private static func waiters(in rings: [ThreadRing], olderThan limit: UInt64, now: UInt64) -> [Waiter] {
        rings.compactMap { ring in
            ring.wait.read().flatMap { now &- $0.since >= limit && $0.since <= now ? Waiter(ring: ring, wait: $0) : nil }
        }
    }

    /// The waits of `rings` older than the stall limit, in no cycle reported, not reported yet.
    /// Call after ``newCycles(in:now:)``, so that a cycle found in the same look is excluded.
    mutating func newStalls(in rings: [ThreadRing], now: UInt64) -> [Waiter] {
        guard let stallThreshold else { return [] }
        return Self.waiters(in: rings, olderThan: stallThreshold, now: now).filter { waiter in
            let key = [UInt64(waiter.ring.serial), waiter.wait.since]
            return !inCycles.contains(key) && reportedStalls.insert(key).inserted
        }
    }

    /// The cycles of `rings` not reported yet whose waits all began `threshold` before `now`,
    /// each in wait order (each thread waits for a lock the next one holds).
    mutating func newCycles(in rings: [ThreadRing], now: UInt64) -> [[Waiter]] {
        guard let threshold else { return [] }
        let waiters = Self.waiters(in: rings, olderThan: threshold, now: now)
        guard !waiters.isEmpty else { return [] }
        var holderOf: [UInt32: Int] = [:]
        for (index, waiter) in waiters.enumerated() {
            for lock in waiter.wait.held { holderOf[lock] = index }
        }
        // Each waiter waits for at most one holder: follow the pointers, colouring as we go.
        var state = [UInt8](repeating: 0, count: waiters.count)  // 0 new, 1 on the path, 2 done
        var cycles: [[Waiter]] = []
        for start in waiters.indices where state[start] == 0 {
            var path: [Int] = []
            var node: Int? = start
            while let current = node, state[current] == 0 {
                state[current] = 1
                path.append(current)
                node = holderOf[waiters[current].wait.lockID]
            }
            if let current = node, state[current] == 1, let first = path.firstIndex(of: current) {
                let cycle = path[first...].map { waiters[$0] }
                let key = cycle.flatMap { [UInt64($0.ring.serial), $0.wait.since] }
                let sortedKey = stride(from: 0, to: key.count, by: 2).map { [key[$0], key[$0 + 1]] }.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
                if reported.insert(sortedKey).inserted {
                    cycles.append(cycle)
                    for waiter in cycle { inCycles.insert([UInt64(waiter.ring.serial), waiter.wait.since]) }
                }
            }
            for index in path { state[index] = 2 }
        }
        return cycles
    }
}

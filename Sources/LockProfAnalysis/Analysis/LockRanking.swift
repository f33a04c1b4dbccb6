import LockProfFormat

/// One lock's place in the report's order, and what the report says of every lock even when it
/// lists only a few of them: decided for every lock before any ``LockReport`` is built.
///
/// The order is ``ContentionAnalysis``'s: most total wait first, ties broken by name, process and
/// id. A trace of a million locks each taken once ties them all on wait, most of them on one
/// name; sorting these small values, names ranked once, instead of the reports (a few hundred
/// bytes each, names compared as strings) is what keeps `lockprof report` on such a trace
/// within seconds, and ranking first lets the analysis build reports only for the locks a
/// listing shows (docs/performance.md, "A million locks").
struct LockRanking: Equatable {
    /// Total wait, timed-out waits included: the first key, most first.
    var waitNanoseconds: UInt64
    /// The place of the lock's name among all the names ranked with it, in `String` order: the
    /// second key.
    var nameRank: UInt32
    /// The lock's process (its pid): the third key.
    var process: Int32
    /// The lock's id in its process's trace: the fourth key.
    var lockID: UInt32
    /// The position of the lock's trace among the analysed processes: the last key, for two
    /// processes that had the same pid.
    var trace: UInt32
    /// Whether the lock's wait exceeds the threshold (``LockReport/isFlagged``).
    var isFlagged: Bool
    /// Whether its figures come from exact counters (``LockReport/countersExact``).
    var countersExact: Bool
    /// Whether threads waited for it and its stacks were sampled (``LockReport/stacksSampled``
    /// and a wait above zero).
    var waitedWithSampledStacks: Bool

    /// Whether `a` comes before `b` in the report.
    static func ranksBefore(_ a: LockRanking, _ b: LockRanking) -> Bool {
        if a.waitNanoseconds != b.waitNanoseconds { return a.waitNanoseconds > b.waitNanoseconds }
        if a.nameRank != b.nameRank { return a.nameRank < b.nameRank }
        if a.process != b.process { return a.process < b.process }
        if a.lockID != b.lockID { return a.lockID < b.lockID }
        return a.trace < b.trace
    }
}

/// Every lock of some processes, in report order, and the names their ranks index.
struct RankedLocks {
    /// Every lock, first in the report first.
    var locks: [LockRanking]
    /// The locks' names in `String` order, each once: a lock's name is `names[nameRank]`.
    var names: [String]

    /// The name of `lock`.
    func name(of lock: LockRanking) -> String { names[Int(lock.nameRank)] }

    /// Ranks every lock of `processes`, each process's wait fractions over its runtime in
    /// `runtimes` (same order).
    init(processes: [ProcessTrace], runtimes: [UInt64], threshold: Double) {
        var slots = NameSlots()
        var locks: [LockRanking] = []
        locks.reserveCapacity(processes.reduce(0) { $0 + $1.locks.count })
        for (index, trace) in processes.enumerated() {
            LockStatistics.forEachLock(in: trace) { lockID, record, counters, events in
                let summary = LockStatistics.summary(counters: counters, events: events)
                let fraction = LockStatistics.waitFraction(waitNanoseconds: summary.waitNanoseconds, runtimeNanoseconds: runtimes[index])
                locks.append(
                    LockRanking(
                        waitNanoseconds: summary.waitNanoseconds, nameRank: slots.slot(of: LockStatistics.name(of: lockID, record: record)),
                        process: trace.pid, lockID: lockID, trace: UInt32(index), isFlagged: fraction > threshold,
                        countersExact: summary.countersExact,
                        waitedWithSampledStacks: summary.stacksSampled && summary.waitNanoseconds > 0))
            }
        }
        let firstSeen = slots.names
        let order = Self.stringOrder(of: firstSeen)
        var rankOfSlot = [UInt32](repeating: 0, count: order.count)
        for (rank, slot) in order.enumerated() { rankOfSlot[slot] = UInt32(rank) }
        for index in locks.indices { locks[index].nameRank = rankOfSlot[Int(locks[index].nameRank)] }
        locks.sort(by: LockRanking.ranksBefore)
        self.locks = locks
        self.names = order.map { firstSeen[$0] }
    }

    /// The indices of `strings` (all different) in `String` order.
    static func stringOrder(of strings: [String]) -> [Int] {
        strings.indices.sorted { strings[$0] < strings[$1] }
    }
}

/// Numbers the names met, in the order first met: where ``RankedLocks`` keeps a lock's name
/// until the names are ranked. Locks of one creation site usually come in runs, so the name of
/// the lock before is tried first (interned names compare by identity).
private struct NameSlots {
    /// Each name once, the slot its index.
    private(set) var names: [String] = []
    private var slots: [String: UInt32] = [:]
    private var last: (name: String, slot: UInt32)?

    /// The slot of `name`, a new one when it was not met before.
    mutating func slot(of name: String) -> UInt32 {
        if let last, last.name == name { return last.slot }
        let slot = slots[name] ?? {
            let slot = UInt32(names.count)
            slots[name] = slot
            names.append(name)
            return slot
        }()
        last = (name, slot)
        return slot
    }
}

/// The whole report: every lock of every process, ranked by total wait, with the notes and the
/// verdict. Renderers (``TextReportRenderer``, ``JSONReportRenderer``) read only this.
public struct ContentionReport: Equatable, Sendable {
    /// Wall-clock span covering all processes (for one process, its runtime).
    public var runtimeNanoseconds: UInt64
    /// The wait fraction a lock must exceed to be flagged.
    public var threshold: Double
    /// Events dropped by full rings, all threads of all processes.
    public var droppedEvents: UInt64
    /// Every thread that recorded, of every process.
    public var threads: [ThreadReport]
    /// Ranked by total wait, most first.
    public var locks: [LockReport]
    /// One entry per process, in the order the traces were given.
    public var processes: [ProcessReport]
    /// True when every trace ended normally and none was damaged.
    public var isComplete: Bool
    /// What the reader of the report should know: damage, dropped events, limits applied.
    public var notes: [ReportNote]
    /// Counts every lock, also those a ``limited(locks:stacks:)`` report no longer lists.
    public var verdict: Verdict
    /// Every cycle of the lock-order graph (`LockOrderGraph`): locks taken in opposite orders.
    public var inversions: [LockOrderInversion] = []
    /// Deadlocks the runtime saw while the program ran (``DeadlockReport``): shown first, and
    /// `lockprof check` fails on any.
    public var deadlocks: [DeadlockReport] = []
    /// Waits the runtime saw stuck past the stall limit, in no cycle (``StallReport``): shown
    /// after the deadlocks.
    public var stalls: [StallReport] = []

    /// A report of these parts, as ``ContentionAnalysis`` assembles it.
    public init(
        runtimeNanoseconds: UInt64, threshold: Double, droppedEvents: UInt64, threads: [ThreadReport],
        locks: [LockReport], processes: [ProcessReport], isComplete: Bool, notes: [ReportNote], verdict: Verdict
    ) {
        self.runtimeNanoseconds = runtimeNanoseconds
        self.threshold = threshold
        self.droppedEvents = droppedEvents
        self.threads = threads
        self.locks = locks
        self.processes = processes
        self.isComplete = isComplete
        self.notes = notes
        self.verdict = verdict
    }

    /// Flagged locks, most wait first.
    public var flaggedLocks: [LockReport] { locks.filter(\.isFlagged) }

    /// The same report listing at most `locks` locks (every flagged lock is kept even beyond that)
    /// and `stacks` stacks per side per lock. The verdict still counts every lock.
    public func limited(locks maximumLocks: Int, stacks maximumStacks: Int) -> ContentionReport {
        var copy = self
        var kept = 0
        copy.locks = locks.filter { lock in
            kept += 1
            return kept <= maximumLocks || lock.isFlagged
        }
        for index in copy.locks.indices {
            copy.locks[index].holderStacks = Array(copy.locks[index].holderStacks.prefix(max(maximumStacks, 0)))
            copy.locks[index].waiterStacks = Array(copy.locks[index].waiterStacks.prefix(max(maximumStacks, 0)))
        }
        return copy
    }
}

/// Per thread, when it waited for and when it held each of the busiest locks: the run cut into
/// ``binCount`` equal slices of time, and for each (thread, lock, wait or hold) the nanoseconds of
/// each slice spent so. Binned rather than kept event by event so that a trace of fifty million
/// events draws as a page of a few hundred kilobytes; at the page's width one bin is about one
/// pixel, so nothing visible is lost.
///
/// Built from the trace's `contention` (a wait, ending at its time) and `release` records (a hold
/// that made others wait) by ``read(paths:report:)``; drawn by the HTML report.
public struct ThreadTimeline: Equatable, Sendable {
    /// Which side of a lock a thread was on.
    public enum Lane: Int, CaseIterable, Sendable {
        /// Waiting to acquire the lock.
        case wait = 0
        /// Holding it while others waited.
        case hold = 1
    }

    /// A lock drawn on the timeline.
    public struct Lock: Equatable, Sendable {
        /// The report's name for it (with the pid when the report shows several processes).
        public var name: String
        /// The pid of its process.
        public var process: Int32
        /// Its id in that process's trace.
        public var lockID: UInt32
    }

    /// A thread that waited for or held one of the drawn locks.
    public struct Row: Equatable, Sendable {
        /// The pid of its process.
        public var process: Int32
        /// Its id in that process's trace.
        public var threadID: UInt32
        /// Its name, or `thread <tid>` when it had none.
        public var name: String
    }

    /// What one row spent on one lock in one lane, in all.
    public struct Total: Equatable, Sendable {
        /// Waits (or holds) recorded.
        public var events: UInt64 = 0
        /// Their summed duration.
        public var nanoseconds: UInt64 = 0
    }

    /// How many slices the run is cut into.
    public static let defaultBinCount = 500
    /// At most this many locks are drawn: flagged ones first, then the most waited for.
    public static let maximumLocks = 6

    /// The span the bins cover, from the earliest recording start.
    public var runtimeNanoseconds: UInt64
    public var binCount: Int
    public var locks: [Lock]
    public var rows: [Row]
    /// `((row × locks + lock) × 2 + lane) × binCount + bin` → nanoseconds.
    var bins: [UInt64]
    /// `(row × locks + lock) × 2 + lane` → totals.
    var totals: [Total]

    /// Nanoseconds that `row` spent in `lane` of `lock` during slice `bin`.
    public func nanoseconds(row: Int, lock: Int, lane: Lane, bin: Int) -> UInt64 {
        bins[((row * locks.count + lock) * 2 + lane.rawValue) * binCount + bin]
    }

    /// What `row` spent in `lane` of `lock` over the whole run.
    public func total(row: Int, lock: Int, lane: Lane) -> Total {
        totals[(row * locks.count + lock) * 2 + lane.rawValue]
    }

    /// The nanoseconds one bin covers.
    public var binNanoseconds: Double { Double(max(runtimeNanoseconds, 1)) / Double(binCount) }

    /// All time `row` spent waiting for or holding the drawn locks: rows are ranked by it.
    public func activity(row: Int) -> UInt64 {
        var sum: UInt64 = 0
        for lock in locks.indices {
            for lane in Lane.allCases { sum = sum.addingClamped(total(row: row, lock: lock, lane: lane).nanoseconds) }
        }
        return sum
    }

    /// The locks the timeline draws: every flagged lock with waits first, then those waited for
    /// most, at most ``maximumLocks``.
    static func busiestLocks(of report: ContentionReport) -> [LockReport] {
        let waited = report.locks.filter { $0.waitNanoseconds > 0 }
        return Array((waited.filter(\.isFlagged) + waited.filter { !$0.isFlagged }).prefix(maximumLocks))
    }
}

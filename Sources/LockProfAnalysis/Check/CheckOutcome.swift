/// The result of `lockprof check`: every lock's verdict and the failures that belong to no single
/// lock (inversions). The renderers of `lockprof check` (text, JSON, JUnit, GitHub annotations)
/// read only this.
public struct CheckOutcome: Equatable, Sendable {
    /// One lock's verdict.
    public struct LockCheck: Equatable, Sendable {
        /// The lock as the report shows it.
        public var lock: LockReport
        /// The name messages use (with the pid when several processes are checked).
        public var displayName: String
        /// True when the policy ignores the lock: it never fails.
        public var isIgnored: Bool
        /// The baseline's wait fraction for this name; nil without a baseline or for a new lock.
        public var baselineWaitFraction: Double?
        /// Empty when the lock passed.
        public var failures: [CheckFailure]

        /// A verdict on `lock`.
        public init(lock: LockReport, displayName: String, isIgnored: Bool, baselineWaitFraction: Double?, failures: [CheckFailure]) {
            self.lock = lock
            self.displayName = displayName
            self.isIgnored = isIgnored
            self.baselineWaitFraction = baselineWaitFraction
            self.failures = failures
        }

        /// True when the lock broke nothing (ignored locks always pass).
        public var passed: Bool { failures.isEmpty }
    }

    /// Every lock of the report, in its order (most wait first).
    public var locks: [LockCheck]
    /// Failures of no single lock (lock-order inversions).
    public var otherFailures: [CheckFailure]
    /// The report judged, for renderers that show its table.
    public var report: ContentionReport
    /// Whether a baseline was compared against.
    public var comparedWithBaseline: Bool

    /// An outcome of `report`, as ``ContentionCheck`` builds it.
    public init(locks: [LockCheck], otherFailures: [CheckFailure], report: ContentionReport, comparedWithBaseline: Bool) {
        self.locks = locks
        self.otherFailures = otherFailures
        self.report = report
        self.comparedWithBaseline = comparedWithBaseline
    }

    /// Locks that failed, most wait first.
    public var failedLocks: [LockCheck] { locks.filter { !$0.passed } }

    /// True when nothing failed: exit 0.
    public var passed: Bool { failedLocks.isEmpty && otherFailures.isEmpty }

    /// One line: `OK 0 of 7 locks failed the check (1 ignored).` or `3 of 7 locks failed …`.
    public var summary: String {
        let noun = locks.count == 1 ? "lock" : "locks"
        var text = "\(failedLocks.count) of \(locks.count) \(noun) failed the check"
        let ignored = locks.filter(\.isIgnored).count
        var details: [String] = []
        if comparedWithBaseline { details.append("against the baseline") }
        if ignored > 0 { details.append("\(ignored) ignored") }
        if !otherFailures.isEmpty { details.append("\(otherFailures.count) other failure\(otherFailures.count == 1 ? "" : "s")") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text + "."
    }
}

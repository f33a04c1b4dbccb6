/// The report's conclusion in one line: how many locks exceed the threshold, and which.
///
/// ```swift
/// Verdict(lockCount: 7, flaggedLocks: ["hot-counter", "account"], threshold: 0.1).description
/// // "2 of 7 locks exceed 10% of runtime: hot-counter, account"
/// ```
public struct Verdict: Equatable, Sendable, CustomStringConvertible {
    /// All locks in the report, listed or not.
    public var lockCount: Int
    /// Names of the flagged locks, most wait first.
    public var flaggedLocks: [String]
    /// The wait fraction a lock must exceed to be flagged.
    public var threshold: Double

    /// The verdict on `lockCount` locks, of which `flaggedLocks` exceeded `threshold`.
    public init(lockCount: Int, flaggedLocks: [String], threshold: Double) {
        self.lockCount = lockCount
        self.flaggedLocks = flaggedLocks
        self.threshold = threshold
    }

    /// Whether any lock exceeds the threshold.
    public var hasFlaggedLocks: Bool { !flaggedLocks.isEmpty }

    /// The one-line verdict the text report ends with.
    public var description: String {
        let noun = lockCount == 1 ? "lock" : "locks"
        let verb = flaggedLocks.count == 1 ? "exceeds" : "exceed"
        let head = "\(flaggedLocks.count) of \(lockCount) \(noun) \(verb) \(ReportFormatting.percent(threshold)) of runtime"
        return flaggedLocks.isEmpty ? head + "." : head + ": " + flaggedLocks.joined(separator: ", ")
    }
}

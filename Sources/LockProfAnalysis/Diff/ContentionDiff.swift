/// How each lock changed between two runs (`lockprof diff BASE NEW`): locks matched by name,
/// with the ones only one side has marked new or gone. Pure; both sides are ``Baseline``s, made
/// from traces or JSON reports.
public struct ContentionDiff: Equatable, Sendable {
    /// One lock name's before and after.
    public struct Change: Equatable, Sendable {
        /// Which runs have the lock.
        public enum Status: String, Sendable {
            /// Only in the new run.
            case new
            /// Only in the base run.
            case gone
            /// In both.
            case both
        }

        /// The lock name.
        public var name: String
        /// The base run's figures; nil for a new lock.
        public var before: Baseline.Lock?
        /// The new run's figures; nil for a gone lock.
        public var after: Baseline.Lock?

        /// The change of the lock called `name`.
        public init(name: String, before: Baseline.Lock?, after: Baseline.Lock?) {
            self.name = name
            self.before = before
            self.after = after
        }

        /// New, gone, or in both runs.
        public var status: Status { before == nil ? .new : after == nil ? .gone : .both }

        /// After − before wait fraction; a missing side counts as 0.
        public var waitFractionChange: Double { (after?.waitFraction ?? 0) - (before?.waitFraction ?? 0) }
    }

    /// Largest change of wait fraction first (either direction), then by name.
    public var changes: [Change]

    /// The changes from `before` to `after`.
    public init(before: Baseline, after: Baseline) {
        let names = Set(before.locks.keys).union(after.locks.keys)
        changes = names.map { Change(name: $0, before: before.locks[$0], after: after.locks[$0]) }.sorted {
            let a = abs($0.waitFractionChange), b = abs($1.waitFractionChange)
            return a != b ? a > b : $0.name < $1.name
        }
    }
}

/// How each lock changed between two runs (`lockprof diff BASE NEW`): locks matched by name,
/// with the ones only one side has marked new or gone. Pure; both sides are ``Baseline``s, made
/// from traces or JSON reports.
public struct ContentionDiff: Equatable, Sendable {
    /// One lock name's before and after.
    public struct Change: Equatable, Sendable {
        public enum Status: String, Sendable {
            /// Only in the new run.
            case new
            /// Only in the base run.
            case gone
            /// In both.
            case both
        }

        public var name: String
        public var before: Baseline.Lock?
        public var after: Baseline.Lock?

        public init(name: String, before: Baseline.Lock?, after: Baseline.Lock?) {
            self.name = name
            self.before = before
            self.after = after
        }

        public var status: Status { before == nil ? .new : after == nil ? .gone : .both }

        /// After − before wait fraction; a missing side counts as 0.
        public var waitFractionChange: Double { (after?.waitFraction ?? 0) - (before?.waitFraction ?? 0) }
    }

    /// Largest change of wait fraction first (either direction), then by name.
    public var changes: [Change]

    public init(before: Baseline, after: Baseline) {
        let names = Set(before.locks.keys).union(after.locks.keys)
        changes = names.map { Change(name: $0, before: before.locks[$0], after: after.locks[$0]) }.sorted {
            let a = abs($0.waitFractionChange), b = abs($1.waitFractionChange)
            return a != b ? a > b : $0.name < $1.name
        }
    }
}

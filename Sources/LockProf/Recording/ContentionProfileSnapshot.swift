/// Which side of a contention a profile weighs: the stacks that held the lock while others waited
/// (Go's `/debug/pprof/mutex`), or the stacks that waited (Go's `/debug/pprof/block`).
public enum ProfileSide: String, Sendable, CaseIterable {
    case holder
    case waiter
}

/// The in-memory contention profile at one moment: figures per (lock, side, stack). Taken with
/// ``LockProfiler/profileSnapshot()``; pass it as `since:` to ``LockProfiler/pprof(side:since:)``
/// for what happened after it.
public struct ContentionProfileSnapshot: Sendable {
    struct Key: Hashable {
        /// 0: the process-wide overflow (the profile's table was full).
        var lockID: UInt32
        var side: ProfileSide
        /// The stack hash (0: not captured).
        var stack: UInt64
        /// The lock's "other stacks": its stacks past the per-lock cap.
        var isOtherStacks: Bool
    }

    struct Figures: Equatable {
        var contentions: UInt64 = 0
        var delayNanoseconds: UInt64 = 0
        var holdNanoseconds: UInt64 = 0

        func since(_ earlier: Figures) -> Figures {
            Figures(
                contentions: contentions &- earlier.contentions, delayNanoseconds: delayNanoseconds &- earlier.delayNanoseconds,
                holdNanoseconds: holdNanoseconds &- earlier.holdNanoseconds)
        }
    }

    var figures: [Key: Figures] = [:]
    /// Monotonic and wall-clock time of the snapshot (nanoseconds).
    var time: UInt64 = 0
    var wallTime: UInt64 = 0

    /// What changed since `earlier` (entries only grow; an entry new since then counts whole).
    func since(_ earlier: ContentionProfileSnapshot?) -> ContentionProfileSnapshot {
        guard let earlier else { return self }
        var delta = self
        for (key, value) in figures {
            let change = value.since(earlier.figures[key] ?? Figures())
            delta.figures[key] = change == Figures() ? nil : change
        }
        return delta
    }
}

import NIOConcurrencyHelpers

/// Hits per path, shared by every event loop behind one `NIOLockedValueBox`: the one global lock
/// in front of a cache that SCENARIOS.md's "hot lock" is. Each hit also does a little work under
/// the lock (as a real cache's bookkeeping would), so the event loops queue on it under load.
final class HitCounter: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    /// Counts a hit on `path` and returns its count so far.
    @inline(never) func record(_ path: String) -> Int {
        counts.withLockedValue { counts in
            var spin = 0
            for step in 0..<50_000 { spin &+= step &* counts.count }
            counts[path, default: 0] += 1 | (spin & 0)
            return counts[path, default: 0]
        }
    }

    /// Every path's hits added up.
    var total: Int { counts.withLockedValue { $0.values.reduce(0, +) } }
}

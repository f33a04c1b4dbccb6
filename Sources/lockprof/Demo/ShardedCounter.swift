import LockProf
import Synchronization

/// Scenarios 2 and 3, a sharded counter: one lock per thread, so threads do not contend, and a
/// `total()` that takes every shard in index order, sums, and releases in reverse. No shard may be
/// flagged.
final class ShardedCounter: Sendable {
    /// One shard: a count behind its own lock.
    final class Shard: Sendable {
        let count: ProfiledMutex<Int>

        init(index: Int) {
            count = ProfiledMutex(0, name: "demo.shard-\(index)")
        }
    }

    let shards: [Shard]

    init(shards: Int) {
        self.shards = (0..<shards).map(Shard.init(index:))
    }

    /// Counts one event on `shard` and folds it into the caller's checksum. Unlike
    /// ``HotCounter/increment()``, the lock is the caller's own and the work is done outside it:
    /// only the count is shared.
    @inline(never)
    func increment(shard: Int, checksum: inout UInt64) {
        let count = shards[shard].count.withLock { count in
            count += 1
            return count
        }
        checksum = DemoWork.mix(checksum &+ UInt64(count), rounds: 256)
    }

    /// The sum over all shards, taken with every shard locked at once (in index order).
    @inline(never)
    func total() -> Int {
        sum(from: 0)
    }

    private func sum(from index: Int) -> Int {
        guard index < shards.count else { return 0 }
        return shards[index].count.withLock { $0 + sum(from: index + 1) }
    }

    /// `threads` threads incrementing for `milliseconds`, thread `i` on shard `i`; thread 0 also
    /// takes a `total()` every 65 536 increments (a reporter reading the counter while it counts),
    /// and the final total must equal the work done.
    static func run(threads: Int, milliseconds: Int) -> DemoOutcome {
        let counter = ShardedCounter(shards: threads)
        let checksums = Atomic<UInt64>(0)  // not Mutex: TSan cannot see its kernel-taken contended path
        let totals = Atomic(0)  // not Mutex: TSan cannot see its kernel-taken contended path
        let deadline = DemoDeadline(milliseconds: milliseconds)
        let increments = DemoThreads.run(threads, named: "shard") { thread in
            var checksum = UInt64(thread)
            var step = 0
            while !deadline.hasPassed(atStep: step) || step <= 1000 {
                counter.increment(shard: thread, checksum: &checksum)
                if thread == 0 && step % 65_536 == 1000 { totals.add(1, ordering: .relaxed); _ = counter.total() }
                step += 1
            }
            checksums.bitwiseXor(checksum, ordering: .relaxed)
            return step
        }
        let expected = increments.reduce(0, +)
        let total = counter.total()
        var acquisitions: [String: UInt64] = [:]
        // Each shard: its thread's increments, and one acquisition per total() (thread 0's and the final one).
        let totalCalls = totals.load(ordering: .relaxed) + 1
        for (index, count) in increments.enumerated() { acquisitions["demo.shard-\(index)"] = UInt64(count + totalCalls) }
        return DemoOutcome(
            scenario: "sharded counter", acquisitions: acquisitions,
            problems: total == expected ? [] : ["sharded counter total \(total), expected \(expected)"])
    }
}

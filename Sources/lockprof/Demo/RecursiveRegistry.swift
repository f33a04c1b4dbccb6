import LockProf

/// Scenario 12, a re-entrant lock: `register` takes the registry's recursive lock and calls
/// `reindex`, which takes it again. The re-entries are counted apart and are never contention.
final class RecursiveRegistry: @unchecked Sendable {
    private let lock = ProfiledRecursiveLock(name: "demo.registry")
    private var items: [UInt64] = []
    private var generation = 0

    @inline(never)
    func register(_ item: UInt64) {
        lock.withLock {
            items.append(item)
            reindex()
        }
    }

    @inline(never)
    func reindex() {
        lock.withLock { generation += 1 }
    }

    /// `threads` threads registering for `milliseconds`, preparing each item outside the lock.
    static func run(threads: Int, milliseconds: Int) -> DemoOutcome {
        let registry = RecursiveRegistry()
        let deadline = DemoDeadline(milliseconds: milliseconds)
        let registrations = DemoThreads.run(threads, named: "registry") { thread in
            var step = 0
            while !deadline.hasPassed(atStep: step) {
                registry.register(DemoWork.mix(UInt64(step &* threads &+ thread), rounds: 256))
                step += 1
            }
            return step
        }
        let expected = registrations.reduce(0, +)
        let (count, generation) = registry.lock.withLock { (registry.items.count, registry.generation) }
        return DemoOutcome(
            scenario: "recursive registry", acquisitions: ["demo.registry": UInt64(expected + 1)],
            problems: count == expected && generation == expected
                ? [] : ["demo.registry holds \(count) items after \(generation) reindexes, expected \(expected)"])
    }
}

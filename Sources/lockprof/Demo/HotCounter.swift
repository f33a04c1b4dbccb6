import LockProf

/// Scenario 1, a hot global lock: one counter shared by every thread, with a little real work done
/// while holding its lock. The report must flag `demo.hot-counter`.
final class HotCounter: @unchecked Sendable {
    private let lock = ProfiledLock(name: "demo.hot-counter")
    private var count = 0
    private var checksum: UInt64 = 1

    /// Counts one event and folds it into a running checksum, all under the lock.
    @inline(never)
    func increment() {
        lock.withLock {
            count += 1
            checksum = DemoWork.mix(checksum &+ UInt64(count), rounds: 24)
        }
    }

    /// The count so far.
    func value() -> Int {
        lock.withLock { count }
    }

    /// `threads` threads incrementing for `milliseconds`.
    static func run(threads: Int, milliseconds: Int) -> DemoOutcome {
        let counter = HotCounter()
        let deadline = DemoDeadline(milliseconds: milliseconds)
        let increments = DemoThreads.run(threads, named: "hot-counter") { _ in
            var step = 0
            while !deadline.hasPassed(atStep: step) {
                counter.increment()
                step += 1
            }
            return step
        }
        let expected = increments.reduce(0, +)
        let counted = counter.value()
        return DemoOutcome(
            scenario: "hot counter",
            acquisitions: ["demo.hot-counter": UInt64(expected + 1)],
            problems: counted == expected ? [] : ["demo.hot-counter counted \(counted), expected \(expected)"])
    }
}

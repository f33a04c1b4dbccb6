import LockProf
import Synchronization

/// Scenario 8, producers and consumers on a condition: producers add work in bursts, consumers
/// sleep in `wait()` while the queue is empty. Their sleep is condition wait, not contention:
/// neither `demo.queue` nor `demo.queue-ready` may be flagged for it.
final class ProducerConsumer: @unchecked Sendable {
    private let lock = ProfiledLock(name: "demo.queue")
    private let ready: ProfiledCondition
    private var items: [UInt64] = []
    private var consumed = 0
    private let total: Int

    init(total: Int) {
        self.total = total
        ready = ProfiledCondition(lock: lock, name: "demo.queue-ready")
    }

    /// Adds one item and wakes a consumer.
    @inline(never)
    func produce(_ item: UInt64) {
        lock.withLock { items.append(item) }
        ready.signal()
    }

    /// Takes one item, sleeping while the queue is empty; nil once every item was consumed.
    /// Counts the lock acquisitions it made (one, plus one per wake-up) into `acquisitions`.
    @inline(never)
    func consume(acquisitions: inout Int) -> UInt64? {
        var waits = 0
        let item: UInt64? = lock.withLock {
            while items.isEmpty && consumed < total {
                ready.wait()
                waits += 1
            }
            guard let item = items.popLast() else { return nil }
            consumed += 1
            if consumed == total { ready.broadcast() }
            return item
        }
        acquisitions += 1 + waits
        return item
    }

    /// `producers` producers, each adding `itemsPerProducer` items in bursts of 20 with ~1 ms
    /// between bursts, and `consumers` consumers doing a little work per item.
    static func run(producers: Int, consumers: Int, itemsPerProducer: Int) -> DemoOutcome {
        let queue = ProducerConsumer(total: producers * itemsPerProducer)
        let sums = Atomic<UInt64>(0)  // not Mutex: TSan cannot see its kernel-taken contended path
        let counts = DemoThreads.run(producers + consumers, named: "queue") { thread in
            if thread < producers {
                for index in 0..<itemsPerProducer {
                    queue.produce(UInt64(thread * itemsPerProducer + index))
                    if index % 20 == 19 { DemoWork.simulatedIO(milliseconds: 1) }
                }
                return itemsPerProducer
            }
            var acquisitions = 0
            var sum: UInt64 = 0
            while let item = queue.consume(acquisitions: &acquisitions) {
                sum &+= item
                _ = DemoWork.mix(item, rounds: 64)
            }
            sums.wrappingAdd(sum, ordering: .relaxed)
            return acquisitions
        }
        let total = UInt64(producers * itemsPerProducer)
        let expectedSum = total * (total - 1) / 2
        let sum = sums.load(ordering: .relaxed)
        return DemoOutcome(
            scenario: "producer/consumer", acquisitions: ["demo.queue": UInt64(counts.reduce(0, +))],
            problems: sum == expectedSum ? [] : ["demo.queue: consumed items sum to \(sum), expected \(expectedSum)"])
    }
}

import LockProf
import Synchronization

/// Scenario 13, a semaphore pool: 3 permits (connections), 8 workers each holding one across
/// simulated I/O. Workers wait for permits, and `demo.pool` is flagged with the permit holders'
/// stacks (`useConnection`). Not part of the default demo run, whose verdict it would change.
enum SemaphorePool {
    /// Holds a permit across `milliseconds` of simulated I/O.
    @inline(never)
    static func useConnection(_ pool: ProfiledSemaphore, milliseconds: Double) {
        pool.withPermit { DemoWork.simulatedIO(milliseconds: milliseconds) }
    }

    static func run(permits: Int, workers: Int, jobsPerWorker: Int) -> DemoOutcome {
        let pool = ProfiledSemaphore(value: permits, name: "demo.pool")
        let inside = Atomic(0)
        let overflows = Atomic(0)
        _ = DemoThreads.run(workers, named: "worker") { _ in
            for _ in 0..<jobsPerWorker {
                pool.withPermit {
                    if inside.wrappingAdd(1, ordering: .relaxed).newValue > permits {
                        overflows.wrappingAdd(1, ordering: .relaxed)
                    }
                    inside.wrappingSubtract(1, ordering: .relaxed)
                }
                useConnection(pool, milliseconds: 1)
            }
            return jobsPerWorker
        }
        let overflowed = overflows.load(ordering: .relaxed)
        return DemoOutcome(
            scenario: "semaphore pool", acquisitions: ["demo.pool": UInt64(2 * workers * jobsPerWorker)],
            problems: overflowed == 0 ? [] : ["demo.pool: more than \(permits) holders at once \(overflowed) times"])
    }
}

import LockProf
import Synchronization

/// Scenario 7, a read-mostly cache on a reader-writer lock: seven readers look values up while
/// one writer refreshes an entry every couple of milliseconds. Readers never wait for each other;
/// what little they wait is for the writer, and `demo.cache` must not be flagged.
final class ReadWriteCache: @unchecked Sendable {
    private let lock = ProfiledRWLock(name: "demo.cache")
    private var entries: [UInt64: UInt64]

    init(size: Int) {
        entries = Dictionary(uniqueKeysWithValues: (0..<UInt64(size)).map { ($0, $0) })
    }

    @inline(never)
    func get(_ key: UInt64) -> UInt64? {
        lock.withReadLock { entries[key] }
    }

    @inline(never)
    func refresh(_ key: UInt64, to value: UInt64) {
        lock.withWriteLock { entries[key] = value }
    }

    /// `readers` readers and one writer for `milliseconds`. Readers compute outside the lock and
    /// every 8th lookup waits ~200 µs for a backend (see StripedDictionary on why threads must not
    /// all be CPU-bound on 2 cores); the writer refreshes one entry every 2 ms.
    static func run(readers: Int, milliseconds: Int) -> DemoOutcome {
        let size = 1024
        let cache = ReadWriteCache(size: size)
        let deadline = DemoDeadline(milliseconds: milliseconds)
        let misses = Atomic(0)  // not Mutex: TSan cannot see its kernel-taken contended path
        let operations = DemoThreads.run(readers + 1, named: "cache") { thread in
            var step = 0
            if thread == readers {
                while !deadline.hasPassed(atStep: 0) {
                    DemoWork.simulatedIO(milliseconds: 2)
                    cache.refresh(UInt64(step % size), to: UInt64(step))
                    step += 1
                }
                return step
            }
            var checksum = UInt64(thread)
            while !deadline.hasPassed(atStep: step) {
                let key = DemoWork.mix(UInt64(step &* readers &+ thread), rounds: 1) % UInt64(size)
                if let value = cache.get(key) {
                    checksum = DemoWork.mix(checksum ^ value, rounds: 64)
                } else {
                    misses.add(1, ordering: .relaxed)
                }
                if step % 8 == 7 { DemoWork.simulatedIO(milliseconds: 0.2) }
                step += 1
            }
            return checksum == 0 ? step : step  // keeps the checksum's work alive
        }
        let missing = misses.load(ordering: .relaxed)
        return DemoOutcome(
            scenario: "read-write cache", acquisitions: ["demo.cache": UInt64(operations.reduce(0, +))],
            problems: missing == 0 ? [] : ["demo.cache: \(missing) lookups of keys always present failed"])
    }
}

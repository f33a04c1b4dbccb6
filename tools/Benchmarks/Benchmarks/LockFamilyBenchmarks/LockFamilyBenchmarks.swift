import Benchmark
import SuiteSupport
import Dispatch
import Foundation
import LockProf

#if canImport(Glibc)
import Glibc
#endif

// The lock family's costs, in the shape of LockBenchmarks: each benchmark does one million
// operations per measured iteration (scalingFactor .mega), an operation being one acquire+release
// pair (lock+unlock, read lock+unlock, wait+signal) around one increment of a counter, so
// wall-clock results read as nanoseconds per pair. Baselines (pthread and Dispatch primitives)
// run in the same suite so ratios are taken within one run. "recording on" runs inside a
// LockProfiler session writing a real trace; hammer benchmarks split the million operations over
// 2 threads.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = LockBenchmarkSupport.configuration(maxDuration: .seconds(2), maxIterations: 25)

    let recording = BenchmarkRecordingSession(name: "lockprof-family-bench")
    let pthreadMutex = PthreadMutexCounter()
    let pthreadRW = PthreadRWCounter()
    let dispatchSemaphore = DispatchSemaphoreCounter()
    let mutex = ProfiledLockCounter()
    let recursive = RecursiveCounter()
    let rw = RWCounter()
    let semaphore = SemaphoreCounter()
    let condition = ProfiledCondition(lock: ProfiledLock(name: "bench.condition-lock"), name: "bench.condition")
    let nested = NestedPair()

    /// An uncontended benchmark, with and without a recording session when `recorded`.
    func uncontended(_ name: String, recorded: Bool = true, _ operation: @escaping @Sendable () -> Void) {
        Benchmark("uncontended \(name)\(recorded ? ", recording off" : "")") { benchmark in
            for _ in benchmark.scaledIterations { operation() }
        }
        guard recorded else { return }
        Benchmark(
            "uncontended \(name), recording on",
            closure: { benchmark in for _ in benchmark.scaledIterations { operation() } },
            setup: recording.start, teardown: recording.stop)
    }

    /// A 2-thread hammer benchmark, recording on when `recorded` (else the baseline).
    func hammer2(_ name: String, recorded: Bool = true, _ operation: @escaping @Sendable () -> Void) {
        if recorded {
            Benchmark(
                "hammer-2 \(name), recording on",
                closure: { benchmark in LockBenchmarkSupport.hammer(threads: 2, operations: benchmark.scaledIterations.count, operation) },
                setup: recording.start, teardown: recording.stop)
        } else {
            Benchmark("hammer-2 \(name)") { benchmark in
                LockBenchmarkSupport.hammer(threads: 2, operations: benchmark.scaledIterations.count, operation)
            }
        }
    }

    // MARK: Baselines

    uncontended("pthread_mutex_t", recorded: false) { pthreadMutex.increment() }
    uncontended("pthread_rwlock_t read", recorded: false) { pthreadRW.read() }
    uncontended("pthread_rwlock_t write", recorded: false) { pthreadRW.write() }
    uncontended("DispatchSemaphore wait+signal", recorded: false) { dispatchSemaphore.increment() }
    hammer2("pthread_mutex_t", recorded: false) { pthreadMutex.increment() }
    hammer2("pthread_rwlock_t read", recorded: false) { pthreadRW.read() }
    hammer2("pthread_rwlock_t write", recorded: false) { pthreadRW.write() }
    hammer2("DispatchSemaphore wait+signal", recorded: false) { dispatchSemaphore.increment() }

    // MARK: The family

    uncontended("ProfiledLock") { mutex.increment() }
    uncontended("ProfiledLock nested pair (lock order)") { nested.increment() }
    uncontended("ProfiledRecursiveLock") { recursive.increment() }
    uncontended("ProfiledRecursiveLock re-entry") { recursive.incrementReentering() }
    uncontended("ProfiledRWLock read") { rw.read() }
    uncontended("ProfiledRWLock write") { rw.write() }
    uncontended("ProfiledSemaphore wait+signal") { semaphore.increment() }
    uncontended("ProfiledCondition signal, no waiter") { condition.signal() }

    // MARK: A 32-deep snapshot (lock order past the 16 inlined held-lock entries)

    // One operation is one snapshot: 32 locks taken in index order, then released (32 pairs), a
    // thousand per measured iteration, so samples read as ns per snapshot.
    let snapshotConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 2, scalingFactor: .kilo,
        maxDuration: .seconds(2), maxIterations: 1_000)
    func snapshot(_ name: String, recorded: Bool = true, _ operation: @escaping @Sendable () -> Void) {
        Benchmark("uncontended \(name)\(recorded ? ", recording off" : "")", configuration: snapshotConfiguration) { benchmark in
            for _ in benchmark.scaledIterations { operation() }
        }
        guard recorded else { return }
        Benchmark(
            "uncontended \(name), recording on", configuration: snapshotConfiguration,
            closure: { benchmark in for _ in benchmark.scaledIterations { operation() } },
            setup: recording.start, teardown: recording.stop)
    }
    let pthreadShards = PthreadShards(count: 32)
    let shards = ProfiledShards(count: 32)
    snapshot("pthread_mutex_t 32-deep snapshot", recorded: false) { pthreadShards.snapshot() }
    snapshot("ProfiledLock 32-deep snapshot, released in order") { shards.snapshot() }
    snapshot("ProfiledLock 32-deep snapshot, released in reverse") { shards.snapshotReleasingInReverse() }

    hammer2("ProfiledLock") { mutex.increment() }
    hammer2("ProfiledRecursiveLock") { recursive.increment() }
    hammer2("ProfiledRWLock read") { rw.read() }
    hammer2("ProfiledRWLock write") { rw.write() }
    hammer2("ProfiledSemaphore wait+signal") { semaphore.increment() }
    hammer2("ProfiledCondition signal, no waiter") { condition.signal() }
}

final class PthreadMutexCounter: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    private var count = 0

    @inline(never) func increment() {
        pthread_mutex_lock(mutex)
        count &+= 1
        pthread_mutex_unlock(mutex)
    }
}

/// A counter behind a default pthread reader-writer lock; readers read it, writers bump it.
final class PthreadRWCounter: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t> = {
        let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
        return lock
    }()
    private var count = 0

    @inline(never) func read() {
        pthread_rwlock_rdlock(lock)
        blackHole(count)
        pthread_rwlock_unlock(lock)
    }

    @inline(never) func write() {
        pthread_rwlock_wrlock(lock)
        count &+= 1
        pthread_rwlock_unlock(lock)
    }
}

final class DispatchSemaphoreCounter: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 1)
    private var count = 0

    @inline(never) func increment() {
        semaphore.wait()
        count &+= 1
        semaphore.signal()
    }
}

final class ProfiledLockCounter: @unchecked Sendable {
    private let lock = ProfiledLock(name: "bench.family-lock")
    private var count = 0

    @inline(never) func increment() {
        lock.lock()
        count &+= 1
        lock.unlock()
    }
}

/// Two locks always taken in the same order: the lock-order bookkeeping's cost (one pair
/// recorded once, then a held-stack push and pop per acquisition while recording).
final class NestedPair: @unchecked Sendable {
    private let outer = ProfiledLock(name: "bench.outer")
    private let inner = ProfiledLock(name: "bench.inner")
    private var count = 0

    @inline(never) func increment() {
        outer.lock()
        inner.lock()
        count &+= 1
        inner.unlock()
        outer.unlock()
    }
}

final class RecursiveCounter: @unchecked Sendable {
    private let lock = ProfiledRecursiveLock(name: "bench.recursive")
    private var count = 0

    @inline(never) func increment() {
        lock.lock()
        count &+= 1
        lock.unlock()
    }

    /// One outer acquisition with one re-entry inside: two pairs per operation.
    @inline(never) func incrementReentering() {
        lock.lock()
        lock.lock()
        count &+= 1
        lock.unlock()
        lock.unlock()
    }
}

final class RWCounter: @unchecked Sendable {
    private let lock = ProfiledRWLock(name: "bench.rwlock")
    private var count = 0

    @inline(never) func read() {
        lock.lockRead()
        blackHole(count)
        lock.unlockRead()
    }

    @inline(never) func write() {
        lock.lockWrite()
        count &+= 1
        lock.unlockWrite()
    }
}

final class SemaphoreCounter: @unchecked Sendable {
    private let semaphore = ProfiledSemaphore(value: 1, name: "bench.semaphore")
    private var count = 0

    @inline(never) func increment() {
        semaphore.wait()
        count &+= 1
        semaphore.signal()
    }
}

/// 32 shards of a counter, each behind a pthread mutex: the baseline of the snapshot benchmarks.
final class PthreadShards: @unchecked Sendable {
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private let count: Int
    private var total = 0

    init(count: Int) {
        self.count = count
        mutexes = .allocate(capacity: count)
        for index in 0..<count { pthread_mutex_init(mutexes + index, nil) }
    }

    /// Every shard lock in index order, then released in the same order.
    @inline(never) func snapshot() {
        for index in 0..<count { pthread_mutex_lock(mutexes + index) }
        total &+= 1
        for index in 0..<count { pthread_mutex_unlock(mutexes + index) }
    }
}

/// 32 shards behind `ProfiledLock`s: a consistent total takes every shard lock in index order.
/// While recording, each acquisition looks its pair with every shard already held up in the
/// thread's recorded pairs (496 lookups per snapshot), and the 16 entries past the inlined
/// held-lock array go to its spill.
final class ProfiledShards: @unchecked Sendable {
    private let locks: [ProfiledLock]
    private var total = 0

    init(count: Int) {
        locks = (0..<count).map { ProfiledLock(name: "bench.shard-\($0)") }
    }

    /// Released in index order, as a loop over the shards does: each release but the last
    /// removes the oldest entry.
    @inline(never) func snapshot() {
        for lock in locks { lock.lock() }
        total &+= 1
        for lock in locks { lock.unlock() }
    }

    /// Released last-taken first, as nested `withLock`s do.
    @inline(never) func snapshotReleasingInReverse() {
        for lock in locks { lock.lock() }
        total &+= 1
        for lock in locks.reversed() { lock.unlock() }
    }
}

import Benchmark
import BenchmarkSupport
import Foundation
import LockProf
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// Each benchmark does one million lock+unlock pairs per measured iteration (scalingFactor
// .mega), with the same work inside every lock: one increment of a counter the lock guards.
// Wall-clock results therefore read directly as nanoseconds per lock+unlock; `tools/bench`
// turns the medians into ratios against pthread_mutex_t measured in the same run.
//
// "recording on" runs inside a LockProfiler session writing a real trace to a temporary file;
// "recording off" runs with no session. Hammer benchmarks split the million operations over
// 2 or 4 threads on one lock (started per iteration; their start-up is < 0.1% of an iteration).

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 40
    )

    let recording = RecordingSession()

    // MARK: Uncontended lock+unlock, one thread.

    // Locks are created once, outside the measured closures, so the malloc counts
    // are those of lock+unlock alone.
    let pthreadLock = PthreadCounter()
    let foundationLock = FoundationLock()
    let mutex = Mutex(0)
    let profiledLock = ProfiledCounter(name: "bench.counter")
    let profiledMutex = ProfiledMutexCounter()
    let inlinedProfiledLock = InlinedProfiledCounter()

    Benchmark("uncontended pthread_mutex_t") { benchmark in
        for _ in benchmark.scaledIterations { pthreadLock.increment() }
        blackHole(pthreadLock.count)
    }
    Benchmark("uncontended NSLock") { benchmark in
        for _ in benchmark.scaledIterations { foundationLock.increment() }
        blackHole(foundationLock.count)
    }
    Benchmark("uncontended Synchronization.Mutex") { benchmark in
        for _ in benchmark.scaledIterations { mutex.withLock { $0 &+= 1 } }
        blackHole(mutex.withLock { $0 })
    }
    Benchmark("uncontended ProfiledLock, recording off") { benchmark in
        for _ in benchmark.scaledIterations { profiledLock.increment() }
        blackHole(profiledLock.count)
    }
    Benchmark(
        "uncontended ProfiledLock, recording on",
        closure: { benchmark in
            for _ in benchmark.scaledIterations { profiledLock.increment() }
            blackHole(profiledLock.count)
        }, setup: recording.start, teardown: recording.stop)
    Benchmark(
        "uncontended ProfiledMutex, recording on",
        closure: { benchmark in
            for _ in benchmark.scaledIterations { profiledMutex.increment() }
            blackHole(profiledMutex.value)
        }, setup: recording.start, teardown: recording.stop)
    Benchmark("uncontended ProfiledMutex, recording off") { benchmark in
        for _ in benchmark.scaledIterations { profiledMutex.increment() }
        blackHole(profiledMutex.value)
    }
    // The rows above call `ProfiledCounter.increment()` (not inlined, like the pthread_mutex_t
    // and NSLock counters), while `Mutex.withLock` is inlined into the loop: these rows inline
    // ProfiledLock's lock()/unlock() into the loop the same way, to compare like with like.
    Benchmark("uncontended ProfiledLock inlined, recording off") { benchmark in
        for _ in benchmark.scaledIterations { inlinedProfiledLock.increment() }
        blackHole(inlinedProfiledLock.count)
    }
    Benchmark(
        "uncontended ProfiledLock inlined, recording on",
        closure: { benchmark in
            for _ in benchmark.scaledIterations { inlinedProfiledLock.increment() }
            blackHole(inlinedProfiledLock.count)
        }, setup: recording.start, teardown: recording.stop)

    // MARK: 2- and 4-thread hammer on one lock.

    for threads in [2, 4] {
        Benchmark("hammer-\(threads) pthread_mutex_t") { benchmark in
            hammer(threads: threads, operations: benchmark.scaledIterations.count) { pthreadLock.increment() }
            blackHole(pthreadLock.count)
        }
        Benchmark("hammer-\(threads) Synchronization.Mutex") { benchmark in
            hammer(threads: threads, operations: benchmark.scaledIterations.count) { mutex.withLock { $0 &+= 1 } }
            blackHole(mutex.withLock { $0 })
        }
        Benchmark("hammer-\(threads) NSLock") { benchmark in
            hammer(threads: threads, operations: benchmark.scaledIterations.count) { foundationLock.increment() }
            blackHole(foundationLock.count)
        }
        Benchmark("hammer-\(threads) ProfiledLock, recording off") { benchmark in
            hammer(threads: threads, operations: benchmark.scaledIterations.count) { profiledLock.increment() }
            blackHole(profiledLock.count)
        }
        Benchmark(
            "hammer-\(threads) ProfiledLock, recording on",
            closure: { benchmark in
                hammer(threads: threads, operations: benchmark.scaledIterations.count) { profiledLock.increment() }
                blackHole(profiledLock.count)
            }, setup: recording.start, teardown: recording.stop)
        Benchmark(
            "hammer-\(threads) ProfiledMutex, recording on",
            closure: { benchmark in
                hammer(threads: threads, operations: benchmark.scaledIterations.count) { profiledMutex.increment() }
                blackHole(profiledMutex.value)
            }, setup: recording.start, teardown: recording.stop)
    }
}

/// Starts and stops a LockProfiler session around one benchmark, writing to a temporary file.
final class RecordingSession: Sendable {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-bench-\(getpid()).trace").path

    func start() throws {
        try LockProfiler.start(tracePath: path, overwrite: true)
    }

    func stop() throws {
        LockProfiler.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `operation` `operations` times in total, split evenly over `threads` threads, and waits.
func hammer(threads: Int, operations: Int, _ operation: @escaping @Sendable () -> Void) {
    Threads.run(threads) { _ in for _ in 0..<(operations / threads) { operation() } }
}

/// A counter guarded by Foundation's NSLock.
final class FoundationLock: @unchecked Sendable {
    private let lock = NSLock()
    private let storage: UnsafeMutablePointer<Int> = {
        let storage = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        storage.initialize(to: 0)
        return storage
    }()
    /// Behind a pointer like BenchmarkSupport's counters: no exclusivity check per increment.
    var count: Int { storage.pointee }

    @inline(never) func increment() {
        lock.lock()
        storage.pointee &+= 1
        lock.unlock()
    }
}

/// A counter in a ProfiledMutex, the way `Mutex` users write it.
final class ProfiledMutexCounter: Sendable {
    private let mutex = ProfiledMutex(0, name: "bench.mutex")
    var value: Int { mutex.withLock { $0 } }

    @inline(__always) func increment() { mutex.withLock { $0 &+= 1 } }
}

/// A counter guarded by a ProfiledLock whose lock()/unlock() are inlined into the benchmark loop,
/// as `Mutex.withLock` is in the `Synchronization.Mutex` rows.
final class InlinedProfiledCounter: @unchecked Sendable {
    private let lock = ProfiledLock(name: "bench.inlined")
    private let storage: UnsafeMutablePointer<Int> = {
        let storage = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        storage.initialize(to: 0)
        return storage
    }()
    /// Behind a pointer like BenchmarkSupport's counters: no exclusivity check per increment.
    var count: Int { storage.pointee }

    @inline(__always) func increment() {
        lock.lock()
        storage.pointee &+= 1
        lock.unlock()
    }
}

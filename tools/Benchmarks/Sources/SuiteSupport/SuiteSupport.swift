import Benchmark
import Foundation
import LockProf

/// What lockprof's benchmark suites share: the configuration (one million operations per
/// measured iteration, so wall-clock samples read as ns per operation), a recording session
/// around one benchmark, and the 2-thread hammer.
public enum LockBenchmarkSupport {
    /// Wall clock and mallocs, in nanoseconds, a million operations per iteration.
    public static func configuration(maxDuration: Duration, maxIterations: Int) -> Benchmark.Configuration {
        .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 2,
            scalingFactor: .mega, maxDuration: maxDuration, maxIterations: maxIterations)
    }

    /// Runs `operation` `operations` times in total, split evenly over `threads` threads
    /// (started per call; their start-up is < 0.1% of a million operations), and waits.
    public static func hammer(threads: Int, operations: Int, _ operation: @escaping @Sendable () -> Void) {
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread {
                for _ in 0..<(operations / threads) { operation() }
                group.leave()
            }.start()
        }
        group.wait()
    }
}

/// Starts and stops a LockProfiler session around one benchmark, writing to a temporary file.
public final class BenchmarkRecordingSession: Sendable {
    let path: String

    public init(name: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid()).trace").path
    }

    public func start() throws { try LockProfiler.start(tracePath: path, overwrite: true) }

    public func stop() throws {
        LockProfiler.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
}

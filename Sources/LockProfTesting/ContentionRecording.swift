import Foundation
import LockProf
import LockProfAnalysis
import Synchronization

/// A workload recorded in-process and analysed: ask it about its locks from a test.
///
/// ```swift
/// import LockProfTesting
/// import Testing
///
/// @Test func cacheDoesNotContend() throws {
///     let recording = try ContentionRecording.record {
///         runEightThreadsAgainstTheCache()
///     }
///     try recording.expectNotFlagged("cache")          // throws with the lock's report table
///     #expect(try recording.waitFraction(of: "cache") < 0.02)
/// }
/// ```
///
/// Recording uses the process's one `LockProfiler` session: `record` calls from several tests
/// take turns, and a session started elsewhere (`LockProfiler.start(tracePath:overwrite:)`)
/// makes `record` throw. Every profiled lock used while recording is in the report, also those
/// of tests running at the same time, so ask about locks by their (unique) names.
public struct ContentionRecording: Sendable {
    /// The whole analysed report.
    public let report: ContentionReport

    /// A recording of an already analysed report (for example one read from a trace file).
    public init(report: ContentionReport) { self.report = report }

    /// `record` calls of concurrent tests take turns on the process's one recording session.
    /// A pthread mutex (NSLock), not `Synchronization.Mutex`: ThreadSanitizer cannot see the
    /// latter's contended path, which the kernel takes (`FUTEX_LOCK_PI`).
    private static let turn = NSLock()

    /// Records `workload` into a temporary trace, analyses it with `threshold` (the wait fraction
    /// above which a lock is flagged) and deletes the trace.
    ///
    /// - Throws: `LockProfilerError` when another session is recording or the temporary file
    ///   cannot be written; `AnalysisError` when the trace cannot be read back; whatever
    ///   `workload` throws (recording is stopped first).
    public static func record(
        threshold: Double = ContentionAnalysis.defaultThreshold, _ workload: () throws -> Void
    ) throws -> ContentionRecording {
        try turn.withLock {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("lockprof-testing-\(UUID().uuidString).trace").path
            try LockProfiler.start(tracePath: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                try workload()
            } catch {
                LockProfiler.stop()
                throw error
            }
            LockProfiler.stop()
            return ContentionRecording(report: try ContentionAnalysis.report(paths: [path], threshold: threshold))
        }
    }

    /// The locks called `name` (one per process; usually one).
    public func locks(named name: String) -> [LockReport] { report.locks.filter { $0.name == name } }

    /// The lock called `name`; throws ``ContentionExpectationFailure`` naming the locks that were
    /// recorded when there is none.
    public func lock(named name: String) throws -> LockReport {
        guard let lock = locks(named: name).first else {
            let known = report.locks.map(\.name)
            throw ContentionExpectationFailure(
                "no lock named \(name) was used while recording"
                    + (known.isEmpty ? " (no profiled lock was used at all)" : "; recorded: \(known.joined(separator: ", "))"))
        }
        return lock
    }

    /// Total wait for the lock ÷ the recording's runtime (can exceed 1 with several waiters).
    public func waitFraction(of name: String) throws -> Double { try lock(named: name).waitFraction }

    /// Acquisitions of the lock that had to wait.
    public func contendedAcquisitions(of name: String) throws -> UInt64 { try lock(named: name).contendedAcquisitions }

    /// Exact acquisitions of the lock; nil when its counters were not recorded.
    public func acquisitions(of name: String) throws -> UInt64? { try lock(named: name).acquisitions }

    /// Whether the lock's wait exceeds the threshold given to ``record(threshold:_:)``.
    public func isFlagged(_ name: String) throws -> Bool { try lock(named: name).isFlagged }

    /// Every flagged lock, most wait first.
    public var flaggedLocks: [LockReport] { report.flaggedLocks }

    /// The report's table row and stacks for `locks`, as `lockprof report` prints them.
    public func table(for locks: [LockReport]) -> String {
        LockTable.render(locks, multipleProcesses: report.processes.count > 1)
    }

    /// Throws unless the lock called `name` (or, with nil, every lock) stays under the threshold;
    /// the failure shows the offending locks' report table and stacks.
    public func expectNotFlagged(_ name: String? = nil) throws {
        let offending = try name.map { [try lock(named: $0)].filter(\.isFlagged) } ?? flaggedLocks
        guard !offending.isEmpty else { return }
        throw ContentionExpectationFailure(
            "\(offending.map(\.name).joined(separator: ", ")) waited more than "
                + "\(ReportFormatting.percent(report.threshold)) of runtime:\n" + table(for: offending))
    }

    /// Throws unless the lock called `name` is flagged (a test that a contention problem is seen).
    public func expectFlagged(_ name: String) throws {
        let lock = try lock(named: name)
        guard !lock.isFlagged else { return }
        throw ContentionExpectationFailure(
            "\(name) waited \(ReportFormatting.percent(lock.waitFraction)) of runtime, not more than "
                + "\(ReportFormatting.percent(report.threshold)):\n" + table(for: [lock]))
    }

    /// Throws unless the lock's wait fraction is below `limit`, showing its table when not.
    public func expectWaitFraction(of name: String, below limit: Double) throws {
        let lock = try lock(named: name)
        guard lock.waitFraction >= limit else { return }
        throw ContentionExpectationFailure(
            "\(name) waited \(ReportFormatting.percent(lock.waitFraction)) of runtime, expected below "
                + "\(ReportFormatting.percent(limit)):\n" + table(for: [lock]))
    }
}

import Foundation
import LockProf

/// Real traces, recorded once by running the built `lockprof demo` in a child process: recording
/// in this test process would also record every lock the other suites use at the same time.
struct RecordedTraces: Sendable {
    /// `lockprof demo --scenario bank-account`: four tellers, each withdrawal holding
    /// `demo.account` for 2 ms of simulated I/O; the lock waits far more than 10% of the run.
    var contended: String
    /// `lockprof demo --scenario one-thread`: `demo.solo`, taken 10 001 times by one thread and
    /// never waited for.
    var quiet: String

    static let shared: RecordedTraces = {
        do {
            let directory = try temporaryDirectory()
            func record(_ scenario: String) throws -> String {
                let path = directory.appendingPathComponent("\(scenario).trace").path
                let result = try CommandRunner.run(["demo", "--scenario", scenario, "--output", path])
                precondition(result.status == 0, "lockprof demo --scenario \(scenario) failed: \(result.standardError)")
                return path
            }
            return RecordedTraces(contended: try record("bank-account"), quiet: try record("one-thread"))
        } catch {
            fatalError("could not record the test traces: \(error)")
        }
    }()

    /// A copy of `path` with its last `bytes` bytes cut off, as if the program died while writing.
    static func truncatedCopy(of path: String, cuttingLast bytes: Int) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let copy = try temporaryDirectory().appendingPathComponent("cut.trace")
        try data.prefix(data.count - bytes).write(to: copy)
        return copy.path
    }
}

import CLockProfSupport
import Foundation
import LockProfFormat
import Synchronization

/// One recording, from `LockProfiler.start` to `stop`: owns the trace file, the collector thread
/// that drains the rings every ``drainInterval`` (earlier when a ring asks, ``CollectorWakeup``)
/// and writes counters every ``checkpointInterval``,
/// and the final flush.
final class TraceSession: @unchecked Sendable {
    // @unchecked Sendable: `collector` is used by the collector thread until `stopRequested` is
    // observed and `collectorDone` set, and only by `stop()` after that.

    static let drainInterval: UInt64 = 2_000_000
    static let checkpointInterval: UInt64 = 100_000_000

    let path: String
    private let collector: TraceCollector
    private let stopRequested = Atomic<Bool>(false)
    private let collectorDone = Atomic<Bool>(false)

    /// Creates the file, writes the process record, turns recording on and starts the collector.
    /// When the process record cannot be written (the first write: a file-size limit, a full
    /// disk), throws, and recording stays off.
    init(path: String, overwrite: Bool) throws(TraceError) {
        lockprof_clock_init()
        let writer = try TraceWriter(path: path, overwrite: overwrite)
        // A trace that reaches the file-size limit must fail its write, not kill the program.
        _ = lockprof_ignore_file_size_signal()
        self.path = path
        let start = lockprof_now_ns()
        let wallStart = lockprof_wall_ns()
        LockRegistry.shared.setSessionActive(true)
        let baselines = Dictionary(
            LockRegistry.shared.counters(startingSession: true).map { ($0.0.lockID, $0.1) }, uniquingKeysWith: { first, _ in first })
        let dropBaselines = Dictionary(
            RingRegistry.shared.currentRings().map { ($0.serial, $0.dropped) }, uniquingKeysWith: { first, _ in first })
        collector = TraceCollector(
            writer: writer, sessionStart: start, baselines: baselines, dropBaselines: dropBaselines)
        do {
            try collector.begin(wallStart: wallStart)
        } catch {
            LockRegistry.shared.setSessionActive(false)
            throw error
        }
        collector.drainRings(recording: false)  // events left from an earlier session
        // Stacks published for a waiter of an earlier session that never took them (docs/design.md).
        LockRegistry.shared.clearPublishedHolderStacks()
        // Published before the flag (releasing): a thread that reads the flag set, acquiring, sees
        // this session's number and start (Recorder.recordingSession()).
        Recorder.sessionStart.store(start, ordering: .relaxed)
        Recorder.sessionNumber.wrappingAdd(1, ordering: .releasing)
        lockprof_set_recording(1)
        let thread = Thread { [self] in runCollector() }
        thread.name = "lockprof-collector"
        thread.start()
    }

    private func runCollector() {
        var lastCheckpoint = lockprof_now_ns()
        var lastWatch = lastCheckpoint
        var watchdog = DeadlockWatchdog.fromEnvironment()
        while !stopRequested.load(ordering: .acquiring) {
            CollectorWakeup.sleep(nanoseconds: TraceSession.drainInterval)
            collector.drainRings(recording: true)
            let now = lockprof_now_ns()
            if watchdog != nil, now &- lastWatch >= DeadlockWatchdog.checkInterval {
                lastWatch = now
                for cycle in watchdog!.newCycles(in: RingRegistry.shared.currentRings(), now: now) {
                    collector.writeDeadlock(cycle, at: now)
                    let report = DeadlockStderrReport.text(of: cycle, at: now, tracePath: path)
                    try? FileDescriptor.standardError.writeAll(report)
                }
                for stall in watchdog!.newStalls(in: RingRegistry.shared.currentRings(), now: now) {
                    collector.writeStall(stall, at: now)
                    try? FileDescriptor.standardError.writeAll(DeadlockStderrReport.text(ofStall: stall, at: now, tracePath: path))
                }
            }
            if now &- lastCheckpoint >= TraceSession.checkpointInterval {
                collector.checkpoint()
                lastCheckpoint = now
            }
        }
        collectorDone.store(true, ordering: .releasing)
    }

    /// Stops recording, waits for the collector thread, drains what is left, symbolizes and
    /// closes the file.
    func stop() {
        lockprof_set_recording(0)
        stopRequested.store(true, ordering: .releasing)
        while !collectorDone.load(ordering: .acquiring) { CurrentProcess.sleep(microseconds: 500) }
        collector.drainRings(recording: true)
        collector.finish()
        LockRegistry.shared.setSessionActive(false)
    }
}

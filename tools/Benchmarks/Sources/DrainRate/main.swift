import BenchmarkSupport
import Foundation
@_spi(Benchmarks) import LockProf
import LockProfFormat
import Synchronization

// Drain rate, in two parts. Both record a real session into a trace file, read the trace back and
// count its events; produced = received (in the trace) + dropped (the trace's `drops` records)
// is checked on every line. Both read the collector thread's /proc/self/task/TID/schedstat just
// before stop(): its CPU time and its time runnable but waiting for a core.
//
// 1. "pipeline" lines — the pipeline's capacity. Two threads write real events through the real
//    recording path (`RecordingBenchmark.recordContendedHandOver`: the same `Recorder` calls a
//    contended lock makes — thread ring, stack-capture budget, drop count — two events per call,
//    a contention and a release) as fast as they can or paced to a target rate (in bursts of 64
//    events, sleeping when at least 100 µs ahead of the pace), for SECONDS.
//    This measures what the rings and the collector sustain, not what a lock can produce: a
//    contended lock cannot produce millions of waits per second on 2 cores (see 2.).
//    Columns: target events/s of both threads together (0 = as fast as they can), seconds,
//    produced, received, dropped, produced/s, received/s, collector CPU ms, collector run-queue
//    wait ms, collector CPU ns per received event, early wake-ups of the collector (FUTEX_WAKE
//    calls made by producers whose ring passed its fill mark), load average (1 minute) at the start.
// 2. hammer lines (start with a digit) — two threads hammer one ProfiledLock with 0, 4, 16 or 64
//    rounds of work inside it, so that most acquisitions wait and write a `contention` event (and
//    many releases a `release` event); produced = contended acquisitions + blocking holds, from
//    the runtime's exact counters. Columns as printed in the header.
//
// Usage: DrainRate [SECONDS per configuration, default 1] [pipeline|hammer|both, default both]
//                  [pipeline targets, comma-separated events/s, default 2000000,5000000,10000000,20000000,0].

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 1 : 1
let parts = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "both"
let targets = CommandLine.arguments.count > 3
    ? CommandLine.arguments[3].split(separator: ",").compactMap { Int($0) }
    : [2_000_000, 5_000_000, 10_000_000, 20_000_000, 0]
let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-drain-\(getpid()).trace").path

/// What one recorded run produced and what its trace holds.
struct Run {
    var elapsed = 0.0
    var received = 0
    var dropped: UInt64 = 0
    var collector: ThreadStatistics.Scheduler?
}

/// Starts a session, runs `work` (returns the seconds it ran), stops, reads the trace back.
func record(_ work: () -> Double) -> Run {
    var run = Run()
    // The collector is the thread `start` creates (the producers start later).
    let before = ThreadStatistics.threadIDs()
    do {
        try LockProfiler.start(tracePath: path, overwrite: true)
    } catch {
        print("DrainRate: \(error)")
        exit(1)
    }
    let started = ThreadStatistics.threadIDs().subtracting(before)
    run.elapsed = work()
    run.collector = started.count == 1 ? ThreadStatistics.scheduler(thread: started.first!) : nil
    LockProfiler.stop()
    var dropsByThread: [UInt32: UInt64] = [:]
    do {
        _ = try TraceReader.read(path: path) { record in
            switch record {
            case .contention, .release: run.received += 1
            case .drops(let drops): dropsByThread[drops.threadID] = drops.droppedEvents
            default: break
            }
        }
    } catch {
        print("DrainRate: \(error)")
        exit(1)
    }
    try? FileManager.default.removeItem(atPath: path)
    run.dropped = dropsByThread.values.reduce(0, +)
    return run
}

/// " (received + dropped != produced)" when the counts do not add up.
func mismatch(_ run: Run, produced: UInt64) -> String {
    UInt64(run.received) + run.dropped == produced ? "" : " (received + dropped != produced)"
}

// MARK: 1. Pipeline capacity

/// Events produced by the pipeline's threads together.
final class Total: Sendable {
    let events = Atomic<UInt64>(0)
}

if parts != "hammer" {
    print("pipeline target/s seconds produced received dropped produced/s received/s collector-cpu-ms collector-runqueue-ms collector-ns/event early-wakeups load")
    let lock = ProfiledLock(name: "drain.pipeline")
    for target in targets {
        let load = ThreadStatistics.loadAverage()
        let produced = Total()
        let wakeupsBefore = RecordingBenchmark.collectorWakeups
        let run = record {
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
            let perThread = Double(target) / 2 / 1e9  // events per nanosecond and thread
            let nanoseconds = Threads.run(2) { _ in
                let start = RecordingBenchmark.now()
                var events: UInt64 = 0
                while DispatchTime.now().uptimeNanoseconds < end {
                    // 32 hand-overs (64 events) between looks at the clock and the pace.
                    for _ in 0..<32 { RecordingBenchmark.recordContendedHandOver(of: lock) }
                    events += 64
                    if perThread > 0 {
                        // Ahead of the pace: sleep (so the paced producers leave CPU time to the
                        // collector, as a program with other work would) when at least 100 µs
                        // ahead, else spin.
                        let due = start + UInt64(Double(events) / perThread)
                        var now = RecordingBenchmark.now()
                        if due > now + 100_000 { usleep(UInt32((due - now) / 1000)) }
                        while now < due { now = RecordingBenchmark.now() }
                    }
                }
                produced.events.wrappingAdd(events, ordering: .relaxed)
            }
            return Double(nanoseconds) / 1e9
        }
        let total = produced.events.load(ordering: .relaxed)
        let wakeups = RecordingBenchmark.collectorWakeups - wakeupsBefore
        let running = Double(run.collector?.running ?? 0)
        print(
            String(
                format: "pipeline %d %.3f %llu %d %llu %.0f %.0f %.1f %.1f %.1f %llu ", target, run.elapsed, total, run.received,
                run.dropped, Double(total) / run.elapsed, Double(run.received) / run.elapsed, running / 1e6,
                Double(run.collector?.waiting ?? 0) / 1e6, run.received > 0 ? running / Double(run.received) : 0, wakeups)
                + load + mismatch(run, produced: total))
    }
}

// MARK: 2. Two threads hammering one lock

/// Two threads lock, work `rounds`, unlock, until `seconds` have passed; returns the seconds
/// they ran.
func hammer(_ guarded: ProfiledValue, rounds: Int, seconds: Double) -> Double {
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    let nanoseconds = Threads.run(2) { _ in
        var step = 0
        while step & 1023 != 0 || DispatchTime.now().uptimeNanoseconds < end {
            guarded.update(rounds: rounds)
            step += 1
        }
    }
    return Double(nanoseconds) / 1e9
}

if parts != "pipeline" {
    print("rounds-in-lock seconds acquisitions produced received dropped received/s produced/s collector-cpu-ms collector-runqueue-ms collector-slices received/collector-cpu-s")
    for rounds in [0, 4, 16, 64] {
        let guarded = ProfiledValue(name: "drain.rounds-\(rounds)")
        let run = record { hammer(guarded, rounds: rounds, seconds: seconds) }
        guard let counters = LockProfiler.snapshot().first(where: { $0.name == "drain.rounds-\(rounds)" }) else {
            print("DrainRate: the lock is missing from the snapshot")
            exit(1)
        }
        let produced = counters.contendedAcquisitions + counters.blockingHolds
        let running = Double(run.collector?.running ?? 0) / 1e9
        print(
            String(
                format: "%d %.3f %llu %llu %d %llu %.0f %.0f %.1f %.1f %llu %.0f", rounds, run.elapsed, counters.acquisitions,
                produced, run.received, run.dropped, Double(run.received) / run.elapsed, Double(produced) / run.elapsed,
                running * 1000, Double(run.collector?.waiting ?? 0) / 1e6, run.collector?.slices ?? 0,
                running > 0 ? Double(run.received) / running : 0)
                + mismatch(run, produced: produced))
    }
}

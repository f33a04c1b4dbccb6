import BenchmarkSupport
import Foundation
import LockProf
import LockProfFormat

// The overhead of recording on a whole program: a fixed amount of work (not a fixed duration,
// unlike `lockprof demo`) of the demo's kinds — a hot global lock, a sharded counter, a striped
// dictionary and an account whose lock is held briefly — run on real threads, timed with
// recording off and on, alternately (which goes first alternates too), ROUNDS times each. The
// profiled time is from just after `LockProfiler.start` to just before `stop()`; the session's
// start and stop (which symbolizes the stacks) are timed apart.
//
// Each run is measured twice: wall-clock time, and the process's CPU time (user + system, all
// threads — the collector thread's work included, so the profiler's whole cost is counted). Each
// round gives a ratio profiled ÷ unprofiled; the summary gives the median of the round ratios
// with a 95% bootstrap interval (2 000 resamples of the rounds, fixed seed): on a shared 2-core
// machine single rounds scatter by tens of percent, and the interval says how finely a run
// resolved the ratio.
//
// The last profiled round's trace is read back for the trace's size per event: file bytes ÷
// (contention + release events), everything else in the file (stacks, symbols, counters)
// included.
//
// Usage: DemoOverhead [ROUNDS, default 7] [--level profile|trace, default trace]
// At the profile level there is no trace file and no collector: the in-memory profile only.

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 7 : 7
let level: RecordingLevel = {
    guard let flag = CommandLine.arguments.firstIndex(of: "--level"), flag + 1 < CommandLine.arguments.count else { return .trace }
    return RecordingLevel(rawValue: CommandLine.arguments[flag + 1]) ?? .trace
}()
let threadCount = 4

let hot = ProfiledValue(name: "overhead.hot-counter")
let shards = (0..<threadCount).map { ProfiledValue(name: "overhead.shard-\($0)") }
let stripes = (0..<16).map { ProfiledValue(name: "overhead.stripe-\($0)") }
let account = ProfiledValue(name: "overhead.account")

/// The workload: 4 threads each do 250 000 hot-counter increments (24 rounds of work under the
/// lock), 1 000 000 increments of their own shard, 500 000 updates of pseudo-random stripes, and
/// 125 000 account updates with work outside the lock.
func workload() {
    Threads.run(threadCount) { _ in for _ in 0..<250_000 { hot.update(rounds: 24) } }
    Threads.run(threadCount) { index in for _ in 0..<1_000_000 { shards[index].update(rounds: 2) } }
    Threads.run(threadCount) { index in
        var key = UInt64(index + 1)
        for _ in 0..<500_000 {
            key = Work.mix(key, rounds: 1)
            stripes[Int(key % 16)].update(rounds: 4)
        }
    }
    Threads.run(threadCount) { index in
        var outside = UInt64(index)
        for _ in 0..<125_000 {
            outside = Work.mix(outside, rounds: 40)
            account.update(rounds: 2)
        }
        if outside == 42 { print("") }
    }
}

/// A run's wall-clock and process CPU seconds.
struct Cost {
    var wall: Double
    var cpu: Double
}

func measure(_ body: () -> Void) -> Cost {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = ThreadStatistics.processCPUSeconds()
    body()
    return Cost(wall: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu: ThreadStatistics.processCPUSeconds() - cpuStart)
}

/// The median of `values` and a 95% bootstrap interval for it (percentiles 2.5 and 97.5 of the
/// medians of 2 000 resamples with replacement; a fixed-seed xorshift, so runs are repeatable).
func medianWithInterval(_ values: [Double]) -> (median: Double, low: Double, high: Double) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var medians: [Double] = []
    for _ in 0..<2000 {
        let resample = values.indices.map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return values[Int(state % UInt64(values.count))]
        }
        medians.append(median(resample))
    }
    medians.sort()
    return (median(values), medians[50], medians[1949])
}

let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-overhead-\(getpid()).trace").path
workload()  // warm-up
var off: [Cost] = []
var on: [Cost] = []
var sessionCost: [Double] = []
var collectorCPU: [Double] = []
/// One profiled run of the workload: its cost inside the session, and the session's own wall
/// time. Also notes the collector thread's CPU seconds during the workload (0 when /proc does not
/// tell): that part of the profiled CPU time is the collector's, the rest the recording threads'.
func profiled() -> (inside: Cost, session: Double, collector: Double) {
    var inside = Cost(wall: 0, cpu: 0)
    var collectorSeconds = 0.0
    let total = measure {
        let before = ThreadStatistics.threadIDs()
        do { try LockProfiler.start(level: level, tracePath: path, overwrite: true) } catch {
            print("DemoOverhead: \(error)")
            exit(1)
        }
        let started = ThreadStatistics.threadIDs().subtracting(before)
        let collector = started.count == 1 ? started.first : nil
        let collectorBefore = collector.flatMap(ThreadStatistics.scheduler(thread:))?.running ?? 0
        inside = measure(workload)
        let collectorAfter = collector.flatMap(ThreadStatistics.scheduler(thread:))?.running ?? collectorBefore
        collectorSeconds = Double(collectorAfter - collectorBefore) / 1e9
        LockProfiler.stop()
    }
    return (inside, total.wall - inside.wall, collectorSeconds)
}

// Rounds alternate which run goes first, so neither side always runs second (warmer, or after
// the other's threads and session have just finished).
for round in 0..<rounds {
    var run: (inside: Cost, session: Double, collector: Double)
    if round % 2 == 0 {
        off.append(measure(workload))
        run = profiled()
    } else {
        run = profiled()
        off.append(measure(workload))
    }
    on.append(run.inside)
    sessionCost.append(run.session)
    collectorCPU.append(run.collector)
    print(
        String(
            format:
                "round %d: unprofiled %.4f s (cpu %.4f s), profiled %.4f s (cpu %.4f s, collector %.4f s), ratio %.3f (cpu %.3f), start+stop %.4f s",
            round + 1, off.last!.wall, off.last!.cpu, run.inside.wall, run.inside.cpu, collectorCPU.last!, run.inside.wall / off.last!.wall,
            run.inside.cpu / off.last!.cpu, run.session))
}
var events = 0
var dropped: UInt64 = 0
var contended: UInt64 = 0
print("level \(level.rawValue)")
if level == .trace {
do {
    let summary = try TraceReader.read(path: path) { record in
        switch record {
        case .contention, .release: events += 1
        case .drops(let drops): dropped += drops.droppedEvents
        case .lockStatistics(let statistics): contended = max(contended, statistics.contendedAcquisitions)
        default: break
        }
    }
    print(
        String(
            format: "trace bytes %llu events %d bytes/event %.2f dropped %llu hot-lock-contended %llu", summary.bytes, events,
            Double(summary.bytes) / Double(max(events, 1)), dropped, contended))
} catch {
    print("DemoOverhead: \(error)")
    exit(1)
}
}
try? FileManager.default.removeItem(atPath: path)
let wall = medianWithInterval(zip(on, off).map { $0.wall / $1.wall })
let cpu = medianWithInterval(zip(on, off).map { $0.cpu / $1.cpu })
print(
    String(
        format: "median unprofiled %.4f s, profiled %.4f s, ratio of medians %.3f, median of round ratios %.3f, median start+stop %.4f s",
        median(off.map(\.wall)), median(on.map(\.wall)), median(on.map(\.wall)) / median(off.map(\.wall)), wall.median,
        median(sessionCost)))
print(
    String(
        format: "rounds %d wall ratio %.3f interval %.3f %.3f cpu ratio %.3f interval %.3f %.3f", rounds, wall.median, wall.low, wall.high,
        cpu.median, cpu.low, cpu.high))
print(
    String(
        format: "median cpu unprofiled %.4f s, profiled %.4f s, of which collector %.4f s", median(off.map(\.cpu)), median(on.map(\.cpu)),
        median(collectorCPU)))

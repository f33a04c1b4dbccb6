import BenchmarkSupport
import Foundation
import LockProf
import LockProfFormat

// The overhead of recording on a whole program: a fixed amount of work (not a fixed duration,
// unlike `lockprof demo`) of the demo's kinds — a hot global lock, a sharded counter, a striped
// dictionary and an account whose lock is held briefly — run on real threads, timed with
// recording off and on, alternately (which goes first alternates too), ROUNDS times each. Prints each round's times and the
// medians, and the ratio of the medians (profiled ÷ unprofiled). The profiled time is from just
// after `LockProfiler.start` to just before `stop()`; the session's start and stop (which
// symbolizes the stacks) are timed apart.
//
// The last profiled round's trace is read back for the trace's size per event: file bytes ÷
// (contention + release events), everything else in the file (stacks, symbols, counters)
// included.
//
// Usage: DemoOverhead [ROUNDS, default 7]

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 7 : 7
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

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-overhead-\(getpid()).trace").path
workload()  // warm-up
var off: [Double] = []
var on: [Double] = []
var sessionCost: [Double] = []
/// One profiled run of the workload: its time inside the session, and the session's own cost.
func profiled() -> (inside: Double, session: Double) {
    var inside = 0.0
    let total = seconds {
        do { try LockProfiler.start(tracePath: path, overwrite: true) } catch {
            print("DemoOverhead: \(error)")
            exit(1)
        }
        inside = seconds(workload)
        LockProfiler.stop()
    }
    return (inside, total - inside)
}

// Rounds alternate which run goes first, so neither side always runs second (warmer, or after
// the other's threads and session have just finished).
for round in 0..<rounds {
    var run: (inside: Double, session: Double)
    if round % 2 == 0 {
        off.append(seconds(workload))
        run = profiled()
    } else {
        run = profiled()
        off.append(seconds(workload))
    }
    let inside = run.inside
    on.append(inside)
    sessionCost.append(run.session)
    print(String(format: "round %d: unprofiled %.4f s, profiled %.4f s (ratio %.3f), start+stop %.4f s", round + 1, off.last!, inside, inside / off.last!, run.session))
}
var events = 0
do {
    let summary = try TraceReader.read(path: path) { record in
        switch record {
        case .contention, .release: events += 1
        default: break
        }
    }
    print(String(format: "trace bytes %llu events %d bytes/event %.2f", summary.bytes, events, Double(summary.bytes) / Double(max(events, 1))))
} catch {
    print("DemoOverhead: \(error)")
    exit(1)
}
try? FileManager.default.removeItem(atPath: path)
let pairRatios = zip(on, off).map { $0 / $1 }
print(
    String(
        format: "median unprofiled %.4f s, profiled %.4f s, ratio of medians %.3f, median of round ratios %.3f, median start+stop %.4f s",
        median(off), median(on), median(on) / median(off), median(pairRatios), median(sessionCost)))

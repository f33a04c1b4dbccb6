import BenchmarkSupport
import Foundation
import LockProf
import LockProfFormat

// Drain rate: how many events per second two producer threads get into the trace while
// recording, and how many their rings drop. Both threads hammer one ProfiledLock with a little
// work inside it, on purpose, so that most acquisitions wait and write a `contention` event (and
// many releases a `release` event). The trace is read back afterwards and its events counted;
// the runtime's exact counters (LockProfiler.snapshot) say how many events were produced:
//   produced = contended acquisitions + blocking holds = events received + events dropped.
// The work inside the lock is varied to vary the event rate. The collector thread's CPU time and
// run-queue wait (from /proc, read just before stop) tell whether drops come from the collector's
// speed or from it not getting a core in time: received ÷ collector CPU seconds is its drain
// capacity.
//
// Usage: DrainRate [SECONDS per configuration, default 1]. One line per configuration.

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 1 : 1

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

/// The process's thread ids (/proc/self/task).
func threadIDs() -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [])
}

/// A thread's scheduler statistics (/proc/self/task/TID/schedstat): nanoseconds on a CPU,
/// nanoseconds runnable but waiting for one, and time slices; nil when it cannot be read.
func schedulerStatistics(thread: String) -> (running: UInt64, waiting: UInt64, slices: UInt64)? {
    guard let line = try? String(contentsOfFile: "/proc/self/task/\(thread)/schedstat", encoding: .utf8) else { return nil }
    let numbers = line.split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    return numbers.count == 3 ? (numbers[0], numbers[1], numbers[2]) : nil
}

let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-drain-\(getpid()).trace").path
print("rounds-in-lock seconds acquisitions produced received dropped received/s produced/s collector-cpu-ms collector-runqueue-ms collector-slices received/collector-cpu-s")
for rounds in [0, 4, 16, 64] {
    let guarded = ProfiledValue(name: "drain.rounds-\(rounds)")
    // The collector is the thread `start` creates (the producers start later).
    let before = threadIDs()
    do {
        try LockProfiler.start(tracePath: path, overwrite: true)
    } catch {
        print("DrainRate: \(error)")
        exit(1)
    }
    let started = threadIDs().subtracting(before)
    let elapsed = hammer(guarded, rounds: rounds, seconds: seconds)
    let collector = started.count == 1 ? schedulerStatistics(thread: started.first!) : nil
    LockProfiler.stop()

    var received = 0
    var dropsByThread: [UInt32: UInt64] = [:]
    do {
        _ = try TraceReader.read(path: path) { record in
            switch record {
            case .contention, .release: received += 1
            case .drops(let drops): dropsByThread[drops.threadID] = drops.droppedEvents
            default: break
            }
        }
    } catch {
        print("DrainRate: \(error)")
        exit(1)
    }
    try? FileManager.default.removeItem(atPath: path)
    let dropped = dropsByThread.values.reduce(0, +)
    guard let counters = LockProfiler.snapshot().first(where: { $0.name == "drain.rounds-\(rounds)" }) else {
        print("DrainRate: the lock is missing from the snapshot")
        exit(1)
    }
    let produced = counters.contendedAcquisitions + counters.blockingHolds
    let running = Double(collector?.running ?? 0) / 1e9
    print(
        String(
            format: "%d %.3f %llu %llu %d %llu %.0f %.0f %.1f %.1f %llu %.0f", rounds, elapsed, counters.acquisitions, produced, received,
            dropped, Double(received) / elapsed, Double(produced) / elapsed, running * 1000, Double(collector?.waiting ?? 0) / 1e6,
            collector?.slices ?? 0, running > 0 ? Double(received) / running : 0)
            + (UInt64(received) + dropped == produced ? "" : " (received + dropped != produced)"))
}

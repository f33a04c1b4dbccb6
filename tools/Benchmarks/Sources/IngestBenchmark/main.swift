import BenchmarkSupport
import Foundation
import LockProfAnalysis

// Times what `lockprof report TRACE` does — read and analyse the trace, render the text report —
// and states the process's peak resident memory. Run by `tools/ingest-bench` on the traces of
// TraceGenerator, pinned to one core.
//
// Usage: IngestBenchmark TRACE [REPEATS]. Prints one line per repeat:
//   events E seconds S cpu-seconds C events/s R peak-rss-kib K
// where events are the contention and release events the analysis took in, S is wall-clock time,
// C user + system CPU time of the process during the run, and K getrusage's ru_maxrss (the peak
// since the process started, so the largest of all repeats so far).

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: IngestBenchmark TRACE [REPEATS]")
    exit(2)
}
let path = arguments[1]
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1

func peakResidentKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

print("before reading: peak-rss-kib \(peakResidentKiB())")
for _ in 0..<repeats {
    let clock = ContinuousClock()
    let cpuBefore = ThreadStatistics.processCPUSeconds()
    var events: UInt64 = 0
    var output = ""
    let elapsed = clock.measure {
        do {
            let loaded = try TraceLoader.load(paths: [path])
            let report = ContentionAnalysis.report(processes: loaded.processes, notes: loaded.notes)
            output = TextReportRenderer().render(report.limited(locks: 20, stacks: 3))
            for trace in loaded.processes {
                for tally in trace.events.values {
                    events += tally.events + tally.releases.values.reduce(0) { $0 + $1.count }
                }
            }
        } catch {
            print("IngestBenchmark: \(error)")
            exit(1)
        }
    }
    let cpu = ThreadStatistics.processCPUSeconds() - cpuBefore
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let line = String(
        format: "events %llu seconds %.3f cpu-seconds %.3f events/s %.0f peak-rss-kib %d report-lines %d", events, seconds, cpu,
        Double(events) / seconds, peakResidentKiB(), output.split(separator: "\n").count)
    print(line)
}

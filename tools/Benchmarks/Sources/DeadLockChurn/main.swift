import BenchmarkSupport
import Foundation
import Glibc
import LockProf
import Synchronization

// Issue 14's churn: THREADS threads (default 4) create locks at four creation sites, take each
// one 1 to 3 times and destroy it, nonstop for SECONDS (default 20), while recording — on a
// 2-core machine the collector thread gets a fraction of a core, and every dead lock waits in the
// lock registry for its next checkpoint. Prints the resident set once a second, then the peak
// (getrusage ru_maxrss), the locks churned, the time `LockProfiler.stop()` took and the trace's
// size. Without a bound on the registry's dead locks the resident set grows as long as the churn
// lasts; with it (LockRegistry.swift, "Dead locks") it levels off.
//
// Usage: DeadLockChurn [SECONDS] [THREADS] [--trace PATH]   (PATH defaults to a temporary file,
// removed at the end)

func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }

/// A lock from one of four creation sites.
func makeLock(atSite site: Int) -> ProfiledLock {
    switch site {
    case 0: ProfiledLock()
    case 1: ProfiledLock()
    case 2: ProfiledLock()
    default: ProfiledLock()
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
var tracePath: String?
if let index = arguments.firstIndex(of: "--trace") {
    guard index + 1 < arguments.count else {
        FileHandle.standardError.write("DeadLockChurn: --trace needs a path\n".data(using: .utf8)!)
        exit(2)
    }
    tracePath = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
guard arguments.count <= 2, let seconds = Double(arguments.first ?? "20"), seconds > 0,
    let threads = Int(arguments.count > 1 ? arguments[1] : "4"), threads > 0
else {
    FileHandle.standardError.write("DeadLockChurn: usage: DeadLockChurn [SECONDS] [THREADS] [--trace PATH]\n".data(using: .utf8)!)
    exit(2)
}
let path = tracePath ?? FileManager.default.temporaryDirectory.appendingPathComponent("deadlockchurn-\(getpid()).trace").path

do {
    try LockProfiler.start(tracePath: path, overwrite: true)
} catch {
    FileHandle.standardError.write("DeadLockChurn: cannot record to \(path): \(error)\n".data(using: .utf8)!)
    exit(1)
}
let stop = Atomic<Bool>(false)
let churned = Atomic<Int>(0)
let acquisitions = Atomic<Int>(0)
let done = DispatchSemaphore(value: 0)
let start = ProcessClock.now()
for _ in 0..<threads {
    Thread {
        var count = 0
        var taken = 0
        while !stop.load(ordering: .relaxed) {
            for index in 0..<1024 {
                let lock = makeLock(atSite: index % 4)
                for _ in 0...(index % 3) { lock.withLock {} }
                taken += index % 3 + 1
            }
            count += 1024
        }
        _ = churned.wrappingAdd(count, ordering: .relaxed)
        _ = acquisitions.wrappingAdd(taken, ordering: .relaxed)
        done.signal()
    }.start()
}
var second = 0
while ProcessClock.now() - start < seconds {
    sleep(1)
    second += 1
    print(String(format: "t=%3ds  RSS %8.1f MB", second, megabytes(ProcessClock.residentBytes())))
}
stop.store(true, ordering: .relaxed)
for _ in 0..<threads { done.wait() }
let churnSeconds = ProcessClock.now() - start
let peakDuringChurn = megabytes(ProcessClock.peakResidentBytes())
let stopStart = ProcessClock.now()
LockProfiler.stop()
let stopSeconds = ProcessClock.now() - stopStart
let traceBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
if tracePath == nil { try? FileManager.default.removeItem(atPath: path) }
print(
    String(
        format: "%d threads, %.1f s: %d locks churned (%.2f M/s), %d acquisitions; peak RSS %.1f MB during the churn, %.1f MB after stop; stop %.2f s; trace %.1f MB",
        threads, churnSeconds, churned.load(ordering: .relaxed), Double(churned.load(ordering: .relaxed)) / churnSeconds / 1e6,
        acquisitions.load(ordering: .relaxed), peakDuringChurn, megabytes(ProcessClock.peakResidentBytes()), stopSeconds, Double(traceBytes) / 1_048_576))

import BenchmarkSupport
import Foundation
import Glibc
import LockProf
import Synchronization

// Issue 18's table: N objects (default 1 000 000) with one lock each, each created and taken
// once, per kind of lock; each variant in its own process (`MillionLocks run VARIANT N`), so
// each peak RSS (getrusage ru_maxrss) is that variant's alone. Then `lockprof report` on the
// trace of the recording variant, timed with /usr/bin/time (wall, peak RSS).
//
// Usage: MillionLocks [N] [--lockprof PATH] [--trace PATH]
//   PATH of lockprof defaults to ../../.build/release/lockprof (the repository's release build)
//   when run from tools/Benchmarks.
// Columns: time = creating and taking the N locks (one run); stop = LockProfiler.stop() (the
// recording variant: the last checkpoint writes the counters); RSS = peak resident set of the
// whole process; per object = (RSS − RSS of the same objects without a lock) ÷ N.

/// One object of the workload: a lock and the value it guards.
final class PlainObject { var value = 0 }
final class NSLockObject { let lock = NSLock(); var value = 0 }
final class MutexObject { let state = Mutex(0) }
final class ProfiledLockObject { let lock = ProfiledLock(); var value = 0 }
final class ProfiledMutexObject { let state = ProfiledMutex(0) }


/// Each worker's objects, in its own slot; read after every worker signalled.
final class Parts<Object>: @unchecked Sendable { var objects: [[Object]] = [] }

/// Creates `count` objects with `make` on `threads` threads at once, each taken once by `take`;
/// returns them (kept alive until the process measured its peak).
func createAndTake<Object>(_ count: Int, threads: Int, _ make: @escaping @Sendable () -> Object, _ take: @escaping @Sendable (Object) -> Void) -> [[Object]] {
    if threads == 1 {
        var objects: [Object] = []
        objects.reserveCapacity(count)
        for _ in 0..<count {
            let object = make()
            take(object)
            objects.append(object)
        }
        return [objects]
    }
    let parts = Parts<Object>()
    parts.objects = Array(repeating: [], count: threads)
    let share = count / threads
    let done = DispatchSemaphore(value: 0)
    for index in 0..<threads {
        Thread {
            var objects: [Object] = []
            objects.reserveCapacity(share)
            for _ in 0..<share {
                let object = make()
                take(object)
                objects.append(object)
            }
            parts.objects[index] = objects
            done.signal()
        }.start()
    }
    for _ in 0..<threads { done.wait() }
    return parts.objects
}

func runVariant(_ variant: String, _ count: Int) {
    let threads = variant.hasSuffix("-4threads") ? 4 : 1
    let kind = variant.replacingOccurrences(of: "-4threads", with: "").replacingOccurrences(of: "-recording", with: "")
    let start = ProcessClock.now()
    let kept: Any
    switch kind {
    case "none": kept = createAndTake(count, threads: threads, { PlainObject() }, { $0.value += 1 })
    case "nslock": kept = createAndTake(count, threads: threads, { NSLockObject() }, { $0.lock.lock(); $0.value += 1; $0.lock.unlock() })
    case "mutex": kept = createAndTake(count, threads: threads, { MutexObject() }, { $0.state.withLock { $0 += 1 } })
    case "profiledlock": kept = createAndTake(count, threads: threads, { ProfiledLockObject() }, { $0.lock.lock(); $0.value += 1; $0.lock.unlock() })
    case "profiledmutex": kept = createAndTake(count, threads: threads, { ProfiledMutexObject() }, { $0.state.withLock { $0 += 1 } })
    default: fatalError("unknown variant \(variant)")
    }
    let elapsed = ProcessClock.now() - start
    let stopStart = ProcessClock.now()
    if variant.hasSuffix("-recording") { LockProfiler.stop() }
    let stop = ProcessClock.now() - stopStart
    print("\(elapsed) \(stop) \(ProcessClock.peakResidentBytes())")
    withExtendedLifetime(kept) {}
}

/// Runs `arguments` and returns its standard output and standard error.
func run(_ arguments: [String], environment: [String: String] = [:]) -> (String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "LOCKPROF_TRACE")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try! process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

func mib(_ bytes: Int) -> String { String(format: "%.0f MiB", Double(bytes) / 1_048_576) }

let arguments = CommandLine.arguments
if arguments.count >= 4, arguments[1] == "run" {
    runVariant(arguments[2], Int(arguments[3])!)
    exit(0)
}
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
let count = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let lockprof = option("--lockprof") ?? "../../.build/release/lockprof"
let tracePath = option("--trace") ?? "/tmp/million-locks-\(getpid()).trace"
let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

print("\(count) objects with one lock each, created and each taken once; one process per row")
print("| variant | time | ÷ NSLock | stop | peak RSS | ÷ NSLock | per object beyond a lockless object |")
print("|---|---|---|---|---|---|---|")
var results: [String: (Double, Int)] = [:]
for variant in [
    "none", "nslock", "mutex", "profiledlock", "profiledmutex", "profiledlock-recording",
    "nslock-4threads", "profiledlock-4threads",
] {
    let environment = variant.hasSuffix("-recording") ? ["LOCKPROF_TRACE": tracePath] : [:]
    let (out, err) = run([me, "run", variant, String(count)], environment: environment)
    let fields = out.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    guard fields.count == 3, let time = Double(fields[0]), let stop = Double(fields[1]), let rss = Int(fields[2]) else {
        print("| \(variant) | failed: \(out) \(err) |")
        continue
    }
    results[variant] = (time, rss)
    let ns = results["nslock"]
    let timeRatio = ns.map { String(format: "%.2f×", time / $0.0) } ?? "—"
    let rssRatio = ns.map { String(format: "%.2f×", Double(rss) / Double($0.1)) } ?? "—"
    let perObject = results["none"].map { String(format: "%.0f B", Double(rss - $0.1) / Double(count)) } ?? "—"
    print("| \(variant) | \(String(format: "%.3f s", time)) | \(timeRatio) | \(String(format: "%.3f s", stop)) | \(mib(rss)) | \(rssRatio) | \(perObject) |")
}
if let recording = results["profiledlock-recording"], let off = results["profiledlock"] {
    print(String(format: "recording ÷ not recording: %.2f× time", recording.0 / off.0))
}
if let four = results["profiledlock-4threads"], let one = results["profiledlock"],
   let nsFour = results["nslock-4threads"], let nsOne = results["nslock"] {
    print(String(format: "4 threads ÷ 1 thread: ProfiledLock %.2f×, NSLock %.2f×", four.0 / one.0, nsFour.0 / nsOne.0))
}
let traceBytes = (try? FileManager.default.attributesOfItem(atPath: tracePath)[.size] as? Int) ?? 0
print("trace: \(traceBytes) bytes (\(String(format: "%.0f", Double(traceBytes) / Double(count))) B per lock)")
if FileManager.default.isExecutableFile(atPath: lockprof) {
    let (_, err) = run(["/usr/bin/time", "-f", "TIME %e %M", lockprof, "report", tracePath])
    if let line = err.split(separator: "\n").last(where: { $0.hasPrefix("TIME ") }) {
        let parts = line.split(separator: " ")
        let seconds = Double(parts[1]) ?? 0, kib = Int(parts[2]) ?? 0
        print(String(format: "lockprof report: %.2f s, peak RSS %@ (%.0f B per lock)", seconds, mib(kib * 1024), Double(kib * 1024) / Double(count)))
    } else {
        print("lockprof report failed: \(err)")
    }
} else {
    print("lockprof report: skipped, no executable at \(lockprof) (--lockprof PATH)")
}
try? FileManager.default.removeItem(atPath: tracePath)

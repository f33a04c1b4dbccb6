import BenchmarkSupport
import Foundation
import LockProf
import LockProfFormat

// What recording costs per thread (issue 20). One configuration per process, because peak RSS
// (getrusage ru_maxrss) only grows: `tools/thread-scaling` runs each one in its own process and
// prints the table.
//
// Usage: ThreadScaling shared THREADS off|record [ACQUISITIONS, default 2000]
//   One ProfiledLock shared by THREADS threads (released together), each taking it ACQUISITIONS
//   times around one increment. Prints one line:
//     shared THREADS MODE workload-s start-s stop-s peak-rss-KiB contended events-in-trace dropped
//   workload-s is the threads' run alone; start-s and stop-s are the session's start and stop
//   (stop symbolizes and closes the trace), stated apart. With `record`, the trace is read back
//   after the measure and events + dropped must equal the lock's contended acquisitions +
//   blocking holds (the exact counters): a mismatch is printed and exits 1.
//
// Usage: ThreadScaling few THREADS off|record
//   Recording memory of threads that record few events: the main thread holds the lock while
//   THREADS threads start and block on it, then lets them through; each takes it once (a
//   contention and, for all but the last, a release that made others wait: about 2 events per
//   thread) and then stays alive. With every thread alive and done, prints
//     few THREADS MODE rss-KiB
//   (resident set now, /proc/self/statm): (record − off) ÷ THREADS is what one such thread costs.

let arguments = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ThreadScaling: \(message)\n".utf8))
    exit(2)
}
guard arguments.count >= 4, let threads = Int(arguments[2]), threads > 0 else {
    fail("usage: ThreadScaling shared|few THREADS off|record [ACQUISITIONS]")
}
let recording: Bool
switch arguments[3] {
case "off": recording = false
case "record": recording = true
default: fail("mode must be off or record, not \(arguments[3])")
}
let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-threads-\(getpid()).trace").path

/// Seconds since `start` (DispatchTime).
func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

/// Starts a session when recording; returns the seconds it took.
func startSession() -> Double {
    guard recording else { return 0 }
    let start = DispatchTime.now().uptimeNanoseconds
    do { try LockProfiler.start(tracePath: path, overwrite: true) } catch { fail("\(error)") }
    return seconds(since: start)
}

/// Stops the session when recording; returns the seconds it took.
func stopSession() -> Double {
    guard recording else { return 0 }
    let start = DispatchTime.now().uptimeNanoseconds
    LockProfiler.stop()
    return seconds(since: start)
}

/// Peak resident set of the process so far, in KiB.
func peakRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

/// Resident set now, in KiB (/proc/self/statm, second field, in pages).
func currentRSSKiB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { fail("cannot read /proc/self/statm") }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

/// The trace's contention and release events and its dropped count.
func readTrace() -> (events: UInt64, dropped: UInt64) {
    var events: UInt64 = 0
    var dropsByThread: [UInt32: UInt64] = [:]
    do {
        _ = try TraceReader.read(path: path) { record in
            switch record {
            case .contention, .release: events += 1
            case .drops(let drops): dropsByThread[drops.threadID] = drops.droppedEvents
            default: break
            }
        }
    } catch { fail("\(error)") }
    try? FileManager.default.removeItem(atPath: path)
    return (events, dropsByThread.values.reduce(0, +))
}

switch arguments[1] {
case "shared":
    let acquisitions = arguments.count > 4 ? Int(arguments[4]) ?? -1 : 2_000
    guard acquisitions > 0 else { fail("ACQUISITIONS must be a positive number, not \(arguments[4])") }
    let counter = ProfiledCounter(name: "threads.shared")
    let startSeconds = startSession()
    let workload = Double(Threads.run(threads) { _ in
        for _ in 0..<acquisitions { counter.increment() }
    }) / 1e9
    let stopSeconds = stopSession()
    let peak = peakRSSKiB()
    guard counter.count == threads * acquisitions else { fail("count \(counter.count), expected \(threads * acquisitions)") }
    guard let lock = LockProfiler.snapshot().first(where: { $0.name == "threads.shared" }) else {
        fail("the lock is missing from the snapshot")
    }
    let produced = lock.contendedAcquisitions + lock.blockingHolds
    var line = String(
        format: "shared %d %@ %.3f %.3f %.3f %d %llu", threads, arguments[3], workload, startSeconds, stopSeconds, peak,
        lock.contendedAcquisitions)
    if recording {
        let trace = readTrace()
        line += " \(trace.events) \(trace.dropped)"
        if trace.events + trace.dropped != produced {
            print(line + " (events + dropped != \(produced) produced)")
            exit(1)
        }
    } else {
        line += " - -"
    }
    print(line)
case "few":
    let lock = ProfiledLock(name: "threads.few")
    let done = DispatchSemaphore(value: 0)
    let finish = DispatchSemaphore(value: 0)
    _ = startSession()
    lock.lock()
    for _ in 0..<threads {
        Thread {
            lock.lock()
            lock.unlock()
            done.signal()
            finish.wait()
        }.start()
    }
    // Let every thread reach the lock and sleep on it, so each acquisition is contended.
    usleep(200_000)
    lock.unlock()
    for _ in 0..<threads { done.wait() }
    usleep(20_000)  // at least one drain: the memory measured is the steady state, not a burst
    let rss = currentRSSKiB()
    for _ in 0..<threads { finish.signal() }
    _ = stopSession()
    print("few \(threads) \(arguments[3]) \(rss)")
default:
    fail("the first argument must be shared or few, not \(arguments[1])")
}

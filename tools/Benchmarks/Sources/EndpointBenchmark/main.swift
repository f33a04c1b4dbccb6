import Foundation
@_spi(Benchmarks) import LockProf
import LockProfHTTP

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// How long the live endpoint takes to answer on a big process: 10 000 profiled locks, of which
// 1 000 were contended, each from its own one of 1 000 distinct stacks (a 10-level binary call
// path). Times `LockProfiler.pprof(side: .holder)` in-process (the first answer symbolizes the
// frames, later ones reuse the symbols) and `GET /debug/pprof/mutex` over loopback HTTP, while a
// ticker thread takes a profiled lock in a loop and records its longest gap between iterations
// (a pause of the program's threads would show there), with and without scrapes. Also what a
// scrape costs the program in CPU time (the answering thread's clock, in-process and on the
// endpoint's event-loop thread), and what publishing a wait (``LockProfiler/currentWaits()``'s
// source) adds to a contended acquisition.
//
// Usage: EndpointBenchmark [SCRAPES, default 20]

let scrapes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20
try LockProfiler.start(level: .profile)
let locks = (0..<10_000).map { ProfiledLock(name: "endpoint.lock-\($0)") }

// The aggregation's own cost per contended hand-over (two additions by the waiter, one by the
// releaser), on a lock of its own, 8 stacks; and one hand-over's whole recording (stack capture
// included) at the profile level and at the trace level.
let aggregationLock = ProfiledLock(name: "endpoint.aggregation")
let aggregationLockID = LockProfiler.snapshot().first { $0.name == "endpoint.aggregation" }!.lockID
_ = RecordingBenchmark.aggregateHandOvers(10_000, lockID: aggregationLockID, stacks: 8)
let aggregation = (0..<5).map { _ in Double(RecordingBenchmark.aggregateHandOvers(1_000_000, lockID: aggregationLockID, stacks: 8)) / 1e6 }
func handOverNanoseconds() -> Double {
    let start = RecordingBenchmark.now()
    for _ in 0..<20_000 { RecordingBenchmark.recordContendedHandOver(of: aggregationLock) }
    return Double(RecordingBenchmark.now() - start) / 20_000
}
let profileHandOver = (0..<5).map { _ in handOverNanoseconds() }
LockProfiler.stop()
let tracePath = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-endpoint-\(getpid()).trace").path
try LockProfiler.start(tracePath: tracePath, overwrite: true)
let traceHandOver = (0..<5).map { _ in handOverNanoseconds() }
LockProfiler.stop()
try? FileManager.default.removeItem(atPath: tracePath)
try LockProfiler.start(level: .profile)

/// Calls down 10 levels, left or right by the bits of `path`, then runs `body`: 1 024 distinct stacks.
@inline(never) func left(_ path: Int, _ depth: Int, _ body: () -> Void) { descend(path, depth, body); blackHole(path) }
@inline(never) func right(_ path: Int, _ depth: Int, _ body: () -> Void) { descend(path, depth, body); blackHole(depth) }
@inline(never) func descend(_ path: Int, _ depth: Int, _ body: () -> Void) {
    if depth == 10 { return body() }
    if path >> depth & 1 == 0 { left(path, depth + 1, body) } else { right(path, depth + 1, body) }
}
@inline(never) func blackHole(_ value: Int) { if value == -1 { print("") } }

// Contention on 1 000 locks: the holder takes the lock at stack `i`, the waiter blocks on it,
// the holder releases once `LockProfiler.currentWaits()` shows the waiter asleep on it (so every
// one of the 1 000 is contended, however loaded the machine). Holder and waiter stacks are both
// distinct per `i`.
let held = DispatchSemaphore(value: 0)
let waiterDone = DispatchSemaphore(value: 0)
let contentionStart = DispatchTime.now().uptimeNanoseconds
let lockIDs = Dictionary(LockProfiler.snapshot().map { ($0.name, $0.lockID) }, uniquingKeysWith: { first, _ in first })
for index in 0..<1_000 {
    let lock = locks[index * 10]
    let lockID = lockIDs[lock.name]!
    Thread {
        held.wait()
        descend(index, 0) { lock.withLock { blackHole(index) } }
        waiterDone.signal()
    }.start()
    descend(index, 0) {
        lock.withLock {
            held.signal()
            var polls = 0
            while polls < 100_000 && !LockProfiler.currentWaits().contains(where: { $0.lockID == lockID }) {
                usleep(50)
                polls += 1
            }
        }
    }
    waiterDone.wait()
}
let contended = LockProfiler.snapshot().filter { $0.contendedAcquisitions > 0 }.count
print(String(format: "setup: %d locks, %d contended, %.2f s", locks.count, contended,
             Double(DispatchTime.now().uptimeNanoseconds - contentionStart) / 1e9))

/// A thread that takes a profiled lock in a loop, recording the longest gap between iterations.
final class Ticker: @unchecked Sendable {
    let lock = ProfiledLock(name: "endpoint.ticker")
    private let stop = NSCondition()
    private var stopped = false
    private(set) var longestGapNanoseconds: UInt64 = 0

    func run() {
        var last = DispatchTime.now().uptimeNanoseconds
        while true {
            lock.withLock { blackHole(1) }
            let now = DispatchTime.now().uptimeNanoseconds
            longestGapNanoseconds = max(longestGapNanoseconds, now - last)
            last = now
            if stop.withLock({ stopped }) { return }
        }
    }

    func finish() { stop.withLock { stopped = true } }
}

func withTicker(_ body: () throws -> Void) rethrows -> UInt64 {
    let ticker = Ticker()
    let finished = DispatchSemaphore(value: 0)
    Thread { ticker.run(); finished.signal() }.start()
    usleep(50_000)
    try body()
    ticker.finish()
    finished.wait()
    return ticker.longestGapNanoseconds
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

print(String(format: "aggregation per hand-over: median %.1f ns (waiter's two additions + releaser's one)", median(aggregation)))
for heldLocks in [0, 2, 8] {
    _ = RecordingBenchmark.publishWaits(10_000, lockID: aggregationLockID, held: heldLocks)
    let perWait = (0..<5).map { _ in Double(RecordingBenchmark.publishWaits(1_000_000, lockID: aggregationLockID, held: heldLocks)) / 1e6 }
    print(String(format: "publishing a wait (begin + end), %d held locks: median %.1f ns", heldLocks, median(perWait)))
}
print(String(format: "recordContendedHandOver (capture + record): profile level median %.1f ns, trace level %.1f ns",
             median(profileHandOver), median(traceHandOver)))

var bytes = 0
let first = milliseconds { bytes = LockProfiler.pprof(side: .holder).count }
print(String(format: "pprof(side: .holder) first (symbolizes): %.1f ms, %d bytes", first, bytes))
_ = LockProfiler.pprof(side: .waiter)
for side in ProfileSide.allCases {
    let samples = LockProfiler.pprofText(side: side).split(separator: "\n").filter { $0.contains(" @ ") }.count
    print("profile \(side): \(samples) samples (distinct lock and stack)")
}

/// CPU time of the calling thread, in nanoseconds.
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// What one warm scrape costs the thread that answers it: median CPU µs of `scrapes` calls.
func cpuMicroseconds(_ body: () -> Void) -> Double {
    median((0..<scrapes).map { _ in
        let start = threadCPUNanoseconds()
        body()
        return Double(threadCPUNanoseconds() - start) / 1e3
    })
}
for side in ProfileSide.allCases {
    let cpu = cpuMicroseconds { bytes = LockProfiler.pprof(side: side).count }
    print(String(format: "scrape CPU, pprof(side: .%@) in-process: median %.0f µs per scrape, %d bytes", "\(side)", cpu, bytes))
}
let textCPU = cpuMicroseconds { bytes = LockProfiler.pprofText(side: .holder).utf8.count }
print(String(format: "scrape CPU, pprofText(side: .holder) (?debug=1): median %.0f µs per scrape, %d bytes", textCPU, bytes))
let waitsCPU = cpuMicroseconds { bytes = LockProfiler.currentWaits().count }
print(String(format: "scrape CPU, currentWaits() with %d threads registered: median %.1f µs", RecordingBenchmark.registeredThreads, waitsCPU))

// Warm answers with nothing else running (the ticker below spins on one of the two cores).
let quiet = (0..<scrapes).map { _ in milliseconds { bytes = LockProfiler.pprof(side: .holder).count } }
print(String(format: "pprof(side: .holder) warm, no ticker: median %.1f ms, max %.1f ms over %d", median(quiet), quiet.max() ?? 0, scrapes))

let idleGap = withTicker { usleep(UInt32(scrapes) * 20_000) }
var inProcess: [Double] = []
let inProcessGap = withTicker {
    for _ in 0..<scrapes { inProcess.append(milliseconds { bytes = LockProfiler.pprof(side: .holder).count }) }
}
print(String(format: "pprof(side: .holder) warm: median %.1f ms, max %.1f ms over %d, %d bytes", median(inProcess),
             inProcess.max() ?? 0, scrapes, bytes))

let server = try LockProfiler.serve(address: "127.0.0.1:0")
/// GET `path` from the endpoint; the answer's size.
func get(_ path: String = "/debug/pprof/mutex") throws -> Int {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var size = 0
    URLSession.shared.dataTask(with: URL(string: server.url + path)!) { data, _, _ in
        size = data?.count ?? 0
        done.signal()
    }.resume()
    done.wait()
    return size
}
_ = try get()
var overHTTP: [Double] = []
let httpGap = try withTicker {
    for _ in 0..<scrapes { overHTTP.append(try milliseconds { bytes = try get() }) }
}
print(String(format: "GET /debug/pprof/mutex: median %.1f ms, max %.1f ms over %d, %d bytes", median(overHTTP),
             overHTTP.max() ?? 0, scrapes, bytes))

/// CPU time the endpoint's event-loop thread (NIO's `NIO-ELT-…`) has used, from its schedstat.
func eventLoopCPUNanoseconds() -> UInt64 {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.reduce(0) { total, task in
        guard let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8), name.hasPrefix("NIO-ELT"),
            let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/schedstat", encoding: .utf8),
            let onCPU = stat.split(separator: " ").first.flatMap({ UInt64($0) })
        else { return total }
        return total + onCPU
    }
}
for path in ["/debug/pprof/mutex", "/debug/pprof/block", "/debug/lockprof/locks"] {
    _ = try get(path)
    let before = eventLoopCPUNanoseconds()
    for _ in 0..<scrapes { bytes = try get(path) }
    let perScrape = Double(eventLoopCPUNanoseconds() - before) / Double(scrapes) / 1e3
    print(String(format: "scrape CPU, GET %@ on the event-loop thread: mean %.0f µs per scrape over %d, %d bytes", path, perScrape,
                 scrapes, bytes))
}
print(String(format: "ticker's longest gap: idle %.2f ms, during in-process answers %.2f ms, during HTTP answers %.2f ms",
             Double(idleGap) / 1e6, Double(inProcessGap) / 1e6, Double(httpGap) / 1e6))
server.close()
LockProfiler.stop()

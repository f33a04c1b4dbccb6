import CLockProfSupport
import Foundation

// What capturing a stack costs (issue 20 and 21): lockprof's frame-pointer walk against
// libunwind's unw_backtrace, in time and in memory per thread. Run by tools/stack-capture.
//
// Usage: StackCapture time DEPTH
//   Calls down DEPTH frames of plain Swift functions, then times 100 000 captures of each kind,
//   interleaved, 11 rounds; prints one line per round:
//     time DEPTH walk-ns unwind-ns frames-walked frames-unwound
//   and the same from inside a chain of DEPTH async functions running in a task, whose callers
//   the walk finds through the async contexts (unw_backtrace stops at the executor):
//     async DEPTH walk-ns unwind-ns frames-walked frames-unwound
//
// Usage: StackCapture memory THREADS none|walk|unwind
//   Starts THREADS threads that each capture one stack (or none) and stay alive; with all of
//   them done, prints `memory THREADS MODE rss-KiB` (resident set, /proc/self/statm). One mode
//   per process: (mode − none) ÷ THREADS is what the capture costs a thread.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("StackCapture: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let count = Int(arguments[2]), count > 0, count <= 10_000 else {
    fail("usage: StackCapture time DEPTH | memory THREADS none|walk|unwind")
}

let captures = 100_000

/// Nanoseconds per capture of `capture` over `captures` calls, and the frames of the last one.
@inline(never) func timed(_ capture: (UnsafeMutablePointer<UInt64>, Int32, Int32) -> Int32) -> (Double, Int32) {
    var frames = [UInt64](repeating: 0, count: 64)
    var got: Int32 = 0
    let start = DispatchTime.now().uptimeNanoseconds
    frames.withUnsafeMutableBufferPointer { buffer in
        for _ in 0..<captures { got = capture(buffer.baseAddress!, 64, 0) }
    }
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / Double(captures), got)
}

/// Written after each recursive call so that it is not a tail call.
nonisolated(unsafe) var depthSink = 0

/// One round of both captures, `depth` plain frames down.
@inline(never) func syncRound(_ depth: Int) -> String {
    if depth > 1 {
        let line = syncRound(depth - 1)
        depthSink &+= depth  // work after the call: the recursion stays DEPTH real frames
        return line
    }
    let (walk, walked) = timed(lockprof_capture_stack)
    let (unwind, unwound) = timed(lockprof_capture_stack_unwind)
    return String(format: "%.1f %.1f %d %d", walk, unwind, walked, unwound)
}

/// One round of both captures, `depth` async frames down.
@inline(never) func asyncRound(_ depth: Int) async -> String {
    if depth > 1 {
        let line = await asyncRound(depth - 1)
        await Task.yield()  // a real suspension point: each level resumes through its context
        return line
    }
    await Task.yield()
    let (walk, walked) = timed(lockprof_capture_stack)
    let (unwind, unwound) = timed(lockprof_capture_stack_unwind)
    return String(format: "%.1f %.1f %d %d", walk, unwind, walked, unwound)
}

/// The resident set in KiB.
func residentKiB() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { fail("cannot read /proc/self/statm") }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

switch arguments[1] {
case "time":
    for _ in 0..<11 { print("time \(count) " + syncRound(count)) }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        for _ in 0..<11 { print("async \(count) " + (await asyncRound(count))) }
        done.signal()
    }
    done.wait()
case "memory":
    guard arguments.count == 4, ["none", "walk", "unwind"].contains(arguments[3]) else {
        fail("memory mode must be none, walk or unwind")
    }
    let mode = arguments[3]
    let ready = DispatchSemaphore(value: 0)
    let finish = DispatchSemaphore(value: 0)
    for _ in 0..<count {
        Thread {
            var frames = [UInt64](repeating: 0, count: 64)
            if mode == "walk" { _ = lockprof_capture_stack(&frames, 64, 0) }
            if mode == "unwind" { _ = lockprof_capture_stack_unwind(&frames, 64, 0) }
            ready.signal()
            finish.wait()
        }.start()
    }
    for _ in 0..<count { ready.wait() }
    print("memory \(count) \(mode) \(residentKiB())")
    for _ in 0..<count { finish.signal() }
default:
    fail("the first argument is time or memory, not \(arguments[1])")
}

import BenchmarkSupport
import Foundation
import LockProf

// The hammer of tools/Benchmarks as a plain program, for the peers of tools/peers: THREADS
// threads share OPERATIONS lock+unlock pairs of one lock, each guarding one counter increment.
// Run natively, under Valgrind (DRD, Helgrind) and, for lockprof, with recording on; prints the
// hammer's own time (process start-up and the tool's start-up are not counted):
//   LOCK THREADS OPERATIONS ns/op N
//
// Usage: PeerHammer pthread|profiled|profiled-recording THREADS OPERATIONS

let arguments = CommandLine.arguments
guard arguments.count == 4, let threads = Int(arguments[2]), let operations = Int(arguments[3]), threads > 0,
    ["pthread", "profiled", "profiled-recording"].contains(arguments[1])
else {
    print("usage: PeerHammer pthread|profiled|profiled-recording THREADS OPERATIONS")
    exit(2)
}
let kind = arguments[1]

func hammer(_ increment: @escaping @Sendable () -> Void) -> Double {
    Double(Threads.run(threads) { _ in for _ in 0..<(operations / threads) { increment() } })
}

let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-peer-\(getpid()).trace").path
var nanoseconds = 0.0
var counted = 0
switch kind {
case "pthread":
    let counter = PthreadCounter()
    nanoseconds = hammer { counter.increment() }
    counted = counter.count
default:
    let counter = ProfiledCounter(name: "peer.hammer")
    if kind == "profiled-recording" {
        do { try LockProfiler.start(tracePath: path, overwrite: true) } catch {
            print("PeerHammer: \(error)")
            exit(1)
        }
    }
    nanoseconds = hammer { counter.increment() }
    counted = counter.count
    if kind == "profiled-recording" {
        LockProfiler.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
}
guard counted == operations / threads * threads else {
    print("PeerHammer: counted \(counted), expected \(operations / threads * threads)")
    exit(1)
}
print(String(format: "%@ %d %d ns/op %.2f", kind, threads, operations, nanoseconds / Double(counted)))

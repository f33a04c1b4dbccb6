import LockProf
import Foundation

// Usage: hotpath ITERATIONS — records a session around ITERATIONS uncontended lock+unlock pairs.
let iterations = Int(CommandLine.arguments[1])!
let lock = ProfiledLock(name: "hotpath")
let path = "/tmp/hotpath-\(getpid()).trace"
try LockProfiler.start(tracePath: path, overwrite: true)
var sum = 0
for i in 0..<iterations { lock.lock(); sum &+= i; lock.unlock() }
LockProfiler.stop()
try? FileManager.default.removeItem(atPath: path)
print(sum == (iterations * (iterations - 1)) / 2 ? "ok" : "mismatch")

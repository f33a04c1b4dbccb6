import Foundation

// A program that knows nothing of lockprof: threads contend on an NSLock, take an
// NSRecursiveLock twice, hand work through an NSCondition, share a raw pthread_mutex_t and
// swift-nio's NIOLockedValueBox, and take two raw mutexes in opposite orders (one thread after
// the other: an inversion, never a deadlock). `lockprof record -- unmodified-locks` profiles it as it is.
//
// Usage: unmodified-locks [ROUNDS]   (default 2000). Prints the counts each lock must show.
//        unmodified-locks errors     Prints what an error-checking mutex returns when misused.
//        unmodified-locks nesting    Nests 18 mutexes, releases them out of order, inverts two.
//        unmodified-locks rwlock-order ROUNDS   Inverts a pthread_rwlock_t (read) and a mutex.
//        unmodified-locks holds ROUNDS   Sleeps under one NSLock and computes under another.

if CommandLine.arguments.dropFirst().first == "errors" {
    print(ErrorChecks.run())
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "nesting" {
    DeepNesting().run()
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "rwlock-order" {
    RWLockOrder().run(rounds: CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 100 : 100)
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "holds" {
    let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 50 : 50
    let held = HeldOffAndOnTheCPU().run(rounds: rounds)
    print("sleeps \(held.sleeps) computing-on-cpu-permille \(Int(held.computingOnCPU * 1000))")
    exit(0)
}

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000 : 2_000
let hotThreads = 4
let otherThreads = 2
let workload = Workload()

/// Runs `body(index)` on `count` new threads and returns when all have finished.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            body(index)
            done.leave()
        }.start()
    }
    done.wait()
}

runThreads(hotThreads) { _ in for _ in 0..<rounds { workload.addToHotCounter() } }
runThreads(otherThreads) { _ in
    for _ in 0..<rounds {
        workload.addRecursively()
        workload.addToRawCounter()
        workload.addToBox()
    }
}
runThreads(2) { index in
    if index == 0 { workload.produce(rounds) } else { workload.consume(rounds) }
}

let inversion = OrderInversion()
runThreads(1) { _ in for _ in 0..<rounds { inversion.moveForward() } }
runThreads(1) { _ in for _ in 0..<rounds { inversion.moveBack() } }

let totals = workload.totals
print("hot \(totals.hot) recursive \(totals.recursive) raw \(totals.raw) boxed \(totals.boxed)")
print("hot-acquisitions \(hotThreads * rounds)")
print("recursive-acquisitions \(otherThreads * rounds) reentries \(otherThreads * rounds)")
print("raw-acquisitions \(otherThreads * rounds)")
print("boxed-acquisitions \(otherThreads * rounds + 1)")
print("condition-waits \(workload.conditionWaits)")
print("condition-signals \(rounds)")
print("order-acquisitions \(2 * rounds)")
print("condition-mutex-acquisitions \(2 * rounds + workload.conditionWaits)")

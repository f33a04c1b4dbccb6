import Foundation
import Synchronization

/// Runs a demo scenario on real, named threads that start together and are joined before returning.
enum DemoThreads {
    /// Starts `count` threads named `name-0`, `name-1`, …, releases them at once so they contend,
    /// waits for all of them and returns what each returned, by index.
    static func run(_ count: Int, named name: String, _ body: @escaping @Sendable (Int) -> Int) -> [Int] {
        let finished = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        let results = DemoResults(count)
        for index in 0..<count {
            finished.enter()
            let thread = Thread {
                gate.wait()
                // Named here, after start() has returned (the gate opens only then): on Linux,
                // Foundation never gives the system thread a name set before start(), and one
                // set by the new thread before the parent holds its handle can be lost.
                Thread.current.name = "\(name)-\(index)"
                let result = body(index)
                results.set(index, result)
                finished.leave()
            }
            thread.start()
        }
        for _ in 0..<count { gate.signal() }
        finished.wait()
        return results.values
    }
}

/// What each of a scenario's threads returned, by index, behind a pthread mutex.
///
/// Not a `Synchronization.Mutex`: on Linux its contended path is taken by the kernel
/// (`FUTEX_LOCK_PI`), which ThreadSanitizer cannot see, so `tools/tsan` reported the demo's own
/// tallies as races. The same holds for the demo's counters, which are `Atomic`s for that reason.
private final class DemoResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Int]

    init(_ count: Int) { slots = [Int](repeating: 0, count: count) }

    func set(_ index: Int, _ value: Int) { lock.withLock { slots[index] = value } }

    var values: [Int] { lock.withLock { slots } }
}

/// A point in time a scenario's threads stop at, so the demo lasts about as long in debug and
/// release builds; each thread counts the work it did, so counts stay exact.
struct DemoDeadline: Sendable {
    private let end: ContinuousClock.Instant

    init(milliseconds: Int) {
        end = ContinuousClock.now.advanced(by: .milliseconds(milliseconds))
    }

    /// Whether the time is up (checks the clock on every 64th step only).
    func hasPassed(atStep step: Int) -> Bool {
        step & 63 == 0 && ContinuousClock.now >= end
    }
}

/// Work the optimizer cannot fold away: each result depends on the previous one.
enum DemoWork {
    /// `rounds` rounds of a 64-bit finalizer mix over `value`.
    @inline(never)
    static func mix(_ value: UInt64, rounds: Int) -> UInt64 {
        var x = value
        for _ in 0..<rounds {
            x ^= x >> 33
            x &*= 0xff51_afd7_ed55_8ccd
            x ^= x >> 29
        }
        return x
    }

    /// Sleeps `milliseconds`: a stand-in for I/O such as a database round trip.
    static func simulatedIO(milliseconds: Double) {
        Thread.sleep(forTimeInterval: milliseconds / 1000)
    }
}

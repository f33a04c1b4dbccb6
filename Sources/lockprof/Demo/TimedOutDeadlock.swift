import Foundation
import LockProf

/// Scenario 10 meeting scenario 9: two threads take `demo.deadlock-a` and `demo.deadlock-b` in
/// opposite orders at the same time, a real deadlock, but the inner acquisition is
/// `lock(timeout:)`, so both give up instead of hanging. The report must count a timeout on each
/// lock, with the waiting stack, and name the inversion. Not in the default run (it waits on purpose).
enum TimedOutDeadlock {
    /// Takes `first`, waits until the other thread holds its lock, then tries `second` for
    /// `milliseconds`, and keeps `first` until the other thread has tried too (so neither can
    /// succeed); returns whether it got `second`.
    @inline(never)
    static func takeBoth(
        _ first: ProfiledLock, then second: ProfiledLock, meeting: DispatchGroup, tried: DispatchGroup, milliseconds: Int
    ) -> Bool {
        first.lock()
        meeting.leave()
        meeting.wait()
        let got = second.lock(timeout: .milliseconds(milliseconds))
        if got { second.unlock() }
        tried.leave()
        tried.wait()
        first.unlock()
        return got
    }

    /// A deadlock for real: the same two threads without timeouts. Never returns; the trace
    /// written so far (the collector flushes every 100 ms) already holds the inversion, which
    /// `lockprof report` reads while the program hangs.
    static func hang() -> Never {
        let a = ProfiledLock(name: "demo.hung-a")
        let b = ProfiledLock(name: "demo.hung-b")
        let meeting = DispatchGroup()
        for _ in 0..<2 { meeting.enter() }
        _ = DemoThreads.run(2, named: "deadlock") { thread in
            let (first, second) = thread == 0 ? (a, b) : (b, a)
            first.lock()
            meeting.leave()
            meeting.wait()
            second.lock()  // never returns
            return 0
        }
        fatalError("the deadlock scenario cannot finish")
    }

    static func run(milliseconds: Int) -> DemoOutcome {
        let a = ProfiledLock(name: "demo.deadlock-a")
        let b = ProfiledLock(name: "demo.deadlock-b")
        let meeting = DispatchGroup()
        let tried = DispatchGroup()
        for group in [meeting, meeting, tried, tried] { group.enter() }
        let results = DemoThreads.run(2, named: "deadlock") { thread in
            let got = thread == 0
                ? takeBoth(a, then: b, meeting: meeting, tried: tried, milliseconds: milliseconds)
                : takeBoth(b, then: a, meeting: meeting, tried: tried, milliseconds: milliseconds)
            return got ? 1 : 0
        }
        // Both hold their first lock when they try the second: neither can get it.
        let acquired = results.reduce(0, +)
        return DemoOutcome(
            scenario: "timed-out deadlock", acquisitions: ["demo.deadlock-a": 1, "demo.deadlock-b": 1],
            problems: acquired == 0 ? [] : ["timed-out deadlock: \(acquired) thread(s) got both locks"])
    }
}

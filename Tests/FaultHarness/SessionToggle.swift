import Foundation
import LockProf
import Synchronization

/// Four threads lock, time out and sleep on a condition while the main thread starts and stops
/// recording over and over, each session into a trace of its own (`TRACE.session-N`): the
/// session-boundary stress run (tools/stress). The workers count what they did; the counts must
/// equal the locks' own counters exactly, and the guarded values must be intact.
final class SessionToggle: @unchecked Sendable {
    // @unchecked Sendable: `hotValue` is touched only under `hot`, `tokens` only under `queueLock`.
    let hot = ProfiledLock(name: "toggle.hot")
    let timed = ProfiledLock(name: "toggle.timed")
    let queueLock = ProfiledLock(name: "toggle.queue")
    let nonEmpty: ProfiledCondition
    private var hotValue = 0
    private var tokens = 0
    private let stopping = Atomic<Bool>(false)

    init() { nonEmpty = ProfiledCondition(lock: queueLock, name: "toggle.non-empty") }

    /// What one worker did.
    struct Counts {
        var hot: UInt64 = 0
        var timed: UInt64 = 0
        var timedOut: UInt64 = 0
        var queue: UInt64 = 0
        var conditionWaits: UInt64 = 0
        var conditionTimeouts: UInt64 = 0

        static func + (a: Counts, b: Counts) -> Counts {
            Counts(
                hot: a.hot + b.hot, timed: a.timed + b.timed, timedOut: a.timedOut + b.timedOut, queue: a.queue + b.queue,
                conditionWaits: a.conditionWaits + b.conditionWaits,
                conditionTimeouts: a.conditionTimeouts + b.conditionTimeouts)
        }
    }

    /// Runs the workers and toggles recording for `seconds`; returns the problems found.
    func run(seconds: Double, tracePrefix: String) -> [String] {
        let total = CountsTotal()
        let group = DispatchGroup()
        for index in 0..<4 {
            group.enter()
            let thread = Thread { [self] in
                let made = work(index)
                total.add(made)
                group.leave()
            }
            thread.name = "toggle-\(index)"
            thread.start()
        }
        let deadline = Date().addingTimeInterval(seconds)
        var sessions = 0
        var problems: [String] = []
        while Date() < deadline {
            do {
                try LockProfiler.start(tracePath: "\(tracePrefix).session-\(sessions)")
            } catch {
                problems.append("cannot start session \(sessions): \(error)")
                break
            }
            usleep(UInt32.random(in: 5_000...80_000))
            LockProfiler.stop()
            sessions += 1
            usleep(UInt32.random(in: 0...10_000))
        }
        stopping.store(true, ordering: .relaxed)
        queueLock.withLock { nonEmpty.broadcast() }
        group.wait()
        say("sessions \(sessions)")
        var counts = total.sum
        counts.queue += 1  // the broadcast's
        return problems + check(counts)
    }

    private func work(_ index: Int) -> Counts {
        var counts = Counts()
        var step = 0
        while !stopping.load(ordering: .relaxed) {
            hot.withLock {
                hotValue += 1
                if step % 16 == 0 { usleep(100) }  // a hold long enough to put others to sleep
            }
            counts.hot += 1
            if step % 4 == 0 {
                if timed.lock(timeout: .microseconds(50)) {
                    usleep(200)  // others time out meanwhile
                    timed.unlock()
                    counts.timed += 1
                } else {
                    counts.timedOut += 1
                }
            }
            if index < 2 {
                queueLock.withLock { tokens += 1 }
                counts.queue += 1
                nonEmpty.signal()
                usleep(50)
            } else {
                queueLock.withLock {
                    while tokens == 0 && !stopping.load(ordering: .relaxed) {
                        if !nonEmpty.wait(timeout: .milliseconds(5)) { counts.conditionTimeouts += 1 }
                        counts.conditionWaits += 1
                    }
                    if tokens > 0 { tokens -= 1 }
                }
                counts.queue += 1
            }
            step += 1
        }
        return counts
    }

    /// The workers' counts against the locks' counters (exact), and the guarded values.
    private func check(_ counts: Counts) -> [String] {
        var problems: [String] = []
        let snapshots = Dictionary(
            LockProfiler.snapshot().filter { $0.name.hasPrefix("toggle.") }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        func expect(_ name: String, _ field: String, _ counted: UInt64, _ value: (LockSnapshot) -> UInt64) {
            let seen = snapshots[name].map(value)
            if seen != counted { problems.append("\(name) \(field): counted \(counted), the lock says \(seen.map(String.init) ?? "nothing")") }
        }
        expect("toggle.hot", "acquisitions", counts.hot) { $0.acquisitions }
        expect("toggle.timed", "acquisitions", counts.timed) { $0.acquisitions }
        expect("toggle.timed", "timeouts", counts.timedOut) { $0.timeouts }
        // Each condition wait re-acquires the queue lock once.
        expect("toggle.queue", "acquisitions", counts.queue + counts.conditionWaits) { $0.acquisitions }
        expect("toggle.non-empty", "waits", counts.conditionWaits) { $0.acquisitions }
        expect("toggle.non-empty", "timeouts", counts.conditionTimeouts) { $0.timeouts }
        let hotSeen = hot.withLock { hotValue }
        if UInt64(hotSeen) != counts.hot { problems.append("toggle.hot guarded \(hotSeen), counted \(counts.hot)") }
        say(
            "toggle: \(counts.hot) hot, \(counts.timed) timed, \(counts.timedOut) timed out, \(counts.queue) queue, "
                + "\(counts.conditionWaits) condition waits (\(counts.conditionTimeouts) timed out)")
        return problems
    }
}

/// The workers' counts, summed as each finishes (an NSLock, not Mutex, which TSan cannot see
/// when contended).
private final class CountsTotal: @unchecked Sendable {
    private let lock = NSLock()
    private var total = SessionToggle.Counts()

    func add(_ counts: SessionToggle.Counts) { lock.withLock { total = total + counts } }

    var sum: SessionToggle.Counts { lock.withLock { total } }
}

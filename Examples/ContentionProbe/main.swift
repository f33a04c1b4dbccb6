// Runs LockProfTesting the way a test suite would, in a process of its own (only one recording
// session can run per process, and the test process has others): records a hot lock and a quiet
// one, prints what the recording says, and prints the failure an expectation throws.
// LockProfTestingTests runs it and checks its output.
import Foundation
import LockProf
import LockProfTesting

final class Counter: @unchecked Sendable {
    let lock: ProfiledLock
    var value = 0
    init(name: String) { lock = ProfiledLock(name: name) }
    func increment(holdingFor microseconds: UInt32) {
        lock.withLock {
            value += 1
            if microseconds > 0 { usleep(microseconds) }
        }
    }
}

let hot = Counter(name: "probe.hot")
let quiet = Counter(name: "probe.quiet")
let threads = 4, rounds = 50

do {
    let recording = try ContentionRecording.record {
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            for _ in 0..<rounds {
                hot.increment(holdingFor: 1_000)
                if index == 0 { quiet.increment(holdingFor: 0) }
            }
        }
    }
    print("hot.acquisitions=\(try recording.acquisitions(of: "probe.hot").map(String.init) ?? "?")")
    print("hot.contended=\(try recording.contendedAcquisitions(of: "probe.hot"))")
    print("hot.flagged=\(try recording.isFlagged("probe.hot"))")
    print("quiet.acquisitions=\(try recording.acquisitions(of: "probe.quiet").map(String.init) ?? "?")")
    print("quiet.contended=\(try recording.contendedAcquisitions(of: "probe.quiet"))")
    print("quiet.waitFraction=\(try recording.waitFraction(of: "probe.quiet"))")
    try recording.expectNotFlagged("probe.quiet")
    try recording.expectFlagged("probe.hot")
    do {
        try recording.expectNotFlagged("probe.hot")
        print("expectNotFlagged(probe.hot) did not throw")
    } catch {
        print("--- failure ---")
        print(error)
        print("--- end ---")
    }
    do {
        _ = try recording.lock(named: "probe.missing")
    } catch {
        print("missing: \(error)")
    }
} catch {
    print("error: \(error)")
    exit(1)
}

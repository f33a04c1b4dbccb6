import Foundation
import LockProf
import Synchronization

/// Threads hammering a mix of profiled locks: one hot `ProfiledLock` every thread takes (plain,
/// `tryLock` and with a timeout), one `ProfiledMutex`, and one `ProfiledLock` per pair of threads.
/// Every acquisition increments a value the lock guards and a count the thread keeps, so a lost
/// acquisition or a broken lock shows as a mismatch.
final class Hammer: @unchecked Sendable {
    // @unchecked Sendable: each `var` is touched only under the lock its name says.
    let hot = ProfiledLock(name: "hammer.hot")
    let mutex = ProfiledMutex(0, name: "hammer.mutex")
    let pairLocks: [ProfiledLock]
    private var hotValue = 0
    private var hotChecksum: UInt64 = 1
    private var pairValues: [Int]
    private let stopping = Atomic<Bool>(false)

    init(threads: Int) {
        let pairs = (threads + 1) / 2
        pairLocks = (0..<pairs).map { ProfiledLock(name: "hammer.pair-\($0)") }
        pairValues = Array(repeating: 0, count: pairs)
    }

    /// Asks the running threads to finish their current step and return.
    func stop() { stopping.store(true, ordering: .relaxed) }

    /// Runs `threads` threads until `stop()` or `seconds` pass (nil: until stopped); returns the
    /// acquisitions made, by lock name.
    func run(threads: Int, seconds: Double?) -> [String: UInt64] {
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        let counts = Mutex<[String: UInt64]>([:])
        let group = DispatchGroup()
        for index in 0..<threads {
            group.enter()
            let thread = Thread { [self] in
                let made = work(thread: index, deadline: deadline)
                counts.withLock { $0.merge(made, uniquingKeysWith: +) }
                group.leave()
            }
            thread.name = "hammer-\(index)"
            thread.start()
        }
        group.wait()
        return counts.withLock { $0 }
    }

    private func work(thread index: Int, deadline: Date?) -> [String: UInt64] {
        var hotCount: UInt64 = 0
        var mutexCount: UInt64 = 0
        var pairCount: UInt64 = 0
        let pair = index / 2
        var step = 0
        while !stopping.load(ordering: .relaxed) {
            if step % 256 == 0, let deadline, Date() >= deadline { break }
            hot.withLock { hotValue += 1; hotChecksum = mix(hotChecksum, rounds: 20) }
            hotCount += 1
            mutex.withLock { $0 += 1 }
            mutexCount += 1
            pairLocks[pair].withLock { pairValues[pair] += 1 }
            pairCount += 1
            if step % 8 == 0, hot.tryLock() {
                hotValue += 1
                hot.unlock()
                hotCount += 1
            }
            if step % 32 == 0, hot.lock(timeout: .microseconds(20)) {
                hotValue += 1
                hot.unlock()
                hotCount += 1
            }
            step += 1
        }
        return ["hammer.hot": hotCount, "hammer.mutex": mutexCount, "hammer.pair-\(pair)": pairCount]
    }

    /// Problems with the guarded values, given the acquisitions made (each read below is one
    /// more acquisition, added to `counts`).
    func check(_ counts: inout [String: UInt64]) -> [String] {
        var problems: [String] = []
        let hotSeen = hot.withLock { hotValue }
        counts["hammer.hot", default: 0] += 1
        if UInt64(hotSeen) + 1 != counts["hammer.hot"] { problems.append("hammer.hot guarded \(hotSeen)") }
        let mutexSeen = mutex.withLock { $0 }
        counts["hammer.mutex", default: 0] += 1
        if UInt64(mutexSeen) + 1 != counts["hammer.mutex"] { problems.append("hammer.mutex guarded \(mutexSeen)") }
        for (pair, lock) in pairLocks.enumerated() {
            let seen = lock.withLock { pairValues[pair] }
            counts["hammer.pair-\(pair)", default: 0] += 1
            if UInt64(seen) + 1 != counts["hammer.pair-\(pair)"] { problems.append("hammer.pair-\(pair) guarded \(seen)") }
        }
        return problems
    }

    /// A little real work to do while holding the hot lock.
    @inline(never)
    private func mix(_ value: UInt64, rounds: Int) -> UInt64 {
        var value = value
        for round in 0..<rounds { value = value &* 6364136223846793005 &+ UInt64(round) }
        return value
    }
}

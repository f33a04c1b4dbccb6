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
    let pairs: [Pair]
    private var hotValue = 0
    private var hotChecksum: UInt64 = 1
    private let stopping = Atomic<Bool>(false)

    /// A lock two threads share and the value it guards (one object per pair: the pairs' values
    /// must not share storage, or writing one would race with writing another).
    final class Pair: @unchecked Sendable {
        let lock: ProfiledLock
        var value = 0
        init(_ index: Int) { lock = ProfiledLock(name: "hammer.pair-\(index)") }
    }

    init(threads: Int) {
        pairs = (0..<(threads + 1) / 2).map(Pair.init)
    }

    /// Asks the running threads to finish their current step and return.
    func stop() { stopping.store(true, ordering: .relaxed) }

    /// Runs `threads` threads until `stop()` or `seconds` pass (nil: until stopped); returns the
    /// acquisitions made, by lock name.
    func run(threads: Int, seconds: Double?) -> [String: UInt64] {
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        // NSLock (a pthread mutex), not Mutex: ThreadSanitizer sees through it (docs/reliability.md).
        let countsLock = NSLock()
        nonisolated(unsafe) var counts: [String: UInt64] = [:]
        let group = DispatchGroup()
        for index in 0..<threads {
            group.enter()
            let thread = Thread { [self] in
                let made = work(thread: index, deadline: deadline)
                countsLock.withLock { counts.merge(made, uniquingKeysWith: +) }
                group.leave()
            }
            thread.name = "hammer-\(index)"
            thread.start()
        }
        group.wait()
        return countsLock.withLock { counts }
    }

    private func work(thread index: Int, deadline: Date?) -> [String: UInt64] {
        var hotCount: UInt64 = 0
        var mutexCount: UInt64 = 0
        var pairCount: UInt64 = 0
        let pair = pairs[index / 2]
        var step = 0
        while !stopping.load(ordering: .relaxed) {
            if step % 256 == 0, let deadline, Date() >= deadline { break }
            hot.withLock { hotValue += 1; hotChecksum = mix(hotChecksum, rounds: 20) }
            hotCount += 1
            mutex.withLock { $0 += 1 }
            mutexCount += 1
            pair.lock.withLock { pair.value += 1 }
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
        return ["hammer.hot": hotCount, "hammer.mutex": mutexCount, "hammer.pair-\(index / 2)": pairCount]
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
        for (index, pair) in pairs.enumerated() {
            let seen = pair.lock.withLock { pair.value }
            let name = pair.lock.name
            counts[name, default: 0] += 1
            if UInt64(seen) + 1 != counts[name] { problems.append("\(name) guarded \(seen) (index \(index))") }
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

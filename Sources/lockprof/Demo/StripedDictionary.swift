import LockProf
import Synchronization

/// Scenario 4, a striped dictionary: keys hashed over 16 locks, so threads rarely meet on one.
/// No stripe may be flagged, and each stripe keeps its own name.
final class StripedDictionary: Sendable {
    /// One stripe: a part of the dictionary behind its own lock.
    final class Stripe: Sendable {
        let entries: ProfiledMutex<[UInt64: UInt64]>

        init(index: Int) {
            // Sized up front so no set rehashes while holding the stripe.
            entries = ProfiledMutex(Dictionary(minimumCapacity: 1024), name: "demo.stripe-\(index)")
        }
    }

    let stripes: [Stripe]

    init(stripes: Int) {
        self.stripes = (0..<stripes).map(Stripe.init(index:))
    }

    /// The stripe `key` belongs to.
    static func stripeIndex(for key: UInt64, stripes: Int) -> Int {
        Int(DemoWork.mix(key, rounds: 1) % UInt64(stripes))
    }

    private func stripe(for key: UInt64) -> Stripe {
        stripes[Self.stripeIndex(for: key, stripes: stripes.count)]
    }

    @inline(never)
    func set(_ value: UInt64, for key: UInt64) {
        stripe(for: key).entries.withLock { $0[key] = value }
    }

    @inline(never)
    func get(_ key: UInt64) -> UInt64? {
        stripe(for: key).entries.withLock { $0[key] }
    }

    /// Entries in all stripes.
    func count() -> Int {
        stripes.reduce(0) { sum, stripe in sum + stripe.entries.withLock { $0.count } }
    }

    /// `threads` threads doing set-then-get pairs for `milliseconds` on keys of their own
    /// (thread `t` uses keys `t, t + threads, …`), as a cache in front of a slow backend: each
    /// value is computed outside the lock, and every 8th operation is a miss that waits ~200 µs
    /// for the backend, also outside the lock. The stripe is held only for the dictionary access.
    ///
    /// The backend waits matter on a 2-core machine: 8 purely CPU-bound threads would keep every
    /// core oversubscribed, so a waiter woken by a release would sit runnable for milliseconds and
    /// that scheduling delay, not the lock, would dominate the stripes' wait.
    static func run(threads: Int, milliseconds: Int, stripes: Int) -> DemoOutcome {
        let dictionary = StripedDictionary(stripes: stripes)
        let mismatches = Atomic(0)  // not Mutex: TSan cannot see its kernel-taken contended path
        let deadline = DemoDeadline(milliseconds: milliseconds)
        let operations = DemoThreads.run(threads, named: "stripe") { thread in
            var wrong = 0
            var step = 0
            while !deadline.hasPassed(atStep: step) || step < keysPerThread {
                let key = self.key(thread: thread, step: step, threads: threads)
                let value = DemoWork.mix(UInt64(step) &* 31 &+ key, rounds: 4096)
                if step % 8 == 0 { DemoWork.simulatedIO(milliseconds: 0.2) }
                dictionary.set(value, for: key)
                if dictionary.get(key) != value { wrong += 1 }
                step += 1
            }
            mismatches.add(wrong, ordering: .relaxed)
            return step
        }
        var problems: [String] = []
        let wrong = mismatches.load(ordering: .relaxed)
        if wrong > 0 { problems.append("striped dictionary returned \(wrong) wrong value(s)") }
        let expectedEntries = threads * keysPerThread
        let entries = dictionary.count()
        if entries != expectedEntries { problems.append("striped dictionary holds \(entries) entries, expected \(expectedEntries)") }
        // Every set and get takes its key's stripe once; count() takes each stripe once more.
        var acquisitions = [UInt64](repeating: 1, count: stripes)
        for (thread, steps) in operations.enumerated() {
            for step in 0..<steps {
                acquisitions[stripeIndex(for: key(thread: thread, step: step, threads: threads), stripes: stripes)] += 2
            }
        }
        return DemoOutcome(
            scenario: "striped dictionary",
            acquisitions: Dictionary(uniqueKeysWithValues: acquisitions.enumerated().map { ("demo.stripe-\($0.offset)", $0.element) }),
            problems: problems)
    }

    /// Keys a thread uses: thread `t` cycles through `t, t + threads, …`, `keysPerThread` of them.
    static let keysPerThread = 512

    static func key(thread: Int, step: Int, threads: Int) -> UInt64 {
        UInt64(thread + threads * (step % keysPerThread))
    }
}

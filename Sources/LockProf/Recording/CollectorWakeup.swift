import CLockProfSupport
import Synchronization

// MARK: - Waking the collector early, and its protocol
//
// The collector sleeps up to ``TraceSession/drainInterval`` between drains. A ring that fills
// faster than that (a thread producing millions of events per second) asks for an early drain
// when it passes its fill mark (``ThreadRing``). One futex word, shared by every ring:
//
//   word  1: the collector is asleep or about to sleep; 0: it is awake (draining).
//
// Collector, to sleep:  word.store(1, sequentially consistent);
//                       futex_wait(word, 1, at most the drain interval); then drain every ring,
//                       whatever woke it (a wake, the timeout, a signal, or EAGAIN).
// Producer, to wake:    if word.load(relaxed) == 1 and word.exchange(0) == 1: futex_wake(word, 1).
//
// Why it is enough: a producer's exchange either sees 1 — and then exactly that producer (the one
// whose exchange turned 1 into 0) makes the system call, once per sleep — or sees 0 and the
// collector is awake and about to drain anyway. A wake that lands between the collector's store
// and its futex_wait makes futex_wait return at once (the word is no longer 1), so no wake is
// lost. No event's visibility depends on this word: the rings' own tail/head protocol orders the
// events; the wake only shortens the sleep. The producer side never blocks and allocates nothing:
// a relaxed load of a shared word, at most one exchange, and at most one FUTEX_WAKE per
// collector sleep — and it runs only when a ring passes its fill mark, not per event.

/// The collector's sleep between drains, which a filling ring can cut short.
enum CollectorWakeup {
    // nonisolated(unsafe): the pointer never changes; the word it points to is only used
    // atomically, following the protocol above.
    nonisolated(unsafe) private static let word: UnsafeMutablePointer<Atomic<UInt32>> = {
        let word = UnsafeMutablePointer<Atomic<UInt32>>.allocate(capacity: 1)
        word.initialize(to: Atomic(0))
        return word
    }()

    /// FUTEX_WAKE calls made by producers so far (each also ended one collector sleep early).
    static let wakeCalls = Atomic<UInt64>(0)

    private static var futexAddress: UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
    }

    /// The collector: sleeps at most `nanoseconds`, or until a ring asks for a drain.
    static func sleep(nanoseconds: UInt64) {
        word.pointee.store(1, ordering: .sequentiallyConsistent)
        _ = lockprof_futex_wait(futexAddress, 1, Int64(nanoseconds))
        word.pointee.store(0, ordering: .relaxed)
    }

    /// A producer whose ring passed its fill mark: wakes the collector if it sleeps.
    static func wake() {
        guard word.pointee.load(ordering: .relaxed) == 1,
            word.pointee.exchange(0, ordering: .sequentiallyConsistent) == 1
        else { return }
        wakeCalls.wrappingAdd(1, ordering: .relaxed)
        lockprof_futex_wake(futexAddress, 1)
    }
}

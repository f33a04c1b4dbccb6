import Foundation
import LockProf
import Synchronization

/// Lets two threads go on only once both hold their first lock, so their opposite orders always
/// deadlock (the `deadlock` mode).
final class DeadlockBarrier: Sendable {
    private let arrived = Atomic<Int>(0)

    /// Counts this thread in and waits for the other.
    func arriveAndWait() {
        arrived.wrappingAdd(1, ordering: .sequentiallyConsistent)
        while arrived.load(ordering: .sequentiallyConsistent) < 2 { usleep(100) }
    }
}

/// Takes `first`, waits at the barrier, then takes `second`: never returns in the `deadlock` mode.
@inline(never)
func takeBothAfterBarrier(_ first: ProfiledLock, _ second: ProfiledLock, barrier: DeadlockBarrier) {
    first.lock()
    barrier.arriveAndWait()
    second.lock()
    second.unlock()
    first.unlock()
}

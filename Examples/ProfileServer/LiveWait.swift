import Foundation
import LockProf

/// A wait held open on purpose, for `/debug/lockprof/locks` to show while it lasts: thread
/// `server-holder` takes `server.inner`; thread `server-waiter` takes `server.outer` and then
/// waits for `server.inner`, until ``end()`` lets the holder go.
final class LiveWait: @unchecked Sendable {
    // @unchecked Sendable: the locks are Sendable; the semaphores and the group order the rest.
    let outer = ProfiledLock(name: "server.outer")
    let inner = ProfiledLock(name: "server.inner")
    private let innerHeld = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    /// Starts both threads and returns the waiter's wait once ``LockProfiler/currentWaits()``
    /// shows it asleep on `server.inner` (nil if it never does within 60 s).
    func begin() -> LockWait? {
        finished.enter()
        Thread { [self] in
            Thread.current.name = "server-holder"
            inner.lock()
            innerHeld.signal()
            release.wait()
            inner.unlock()
            finished.leave()
        }.start()
        finished.enter()
        Thread { [self] in
            Thread.current.name = "server-waiter"
            innerHeld.wait()
            outer.withLock { inner.withLock {} }
            finished.leave()
        }.start()
        for _ in 0..<600_000 {
            if let wait = LockProfiler.currentWaits().first(where: { $0.threadName == "server-waiter" && $0.lockName == inner.name }) {
                return wait
            }
            usleep(100)
        }
        return nil
    }

    /// Lets the holder release `server.inner` and waits for both threads.
    func end() {
        release.signal()
        finished.wait()
    }
}

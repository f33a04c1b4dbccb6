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
        start("server-holder") { [self] in
            inner.lock()
            innerHeld.signal()
            release.wait()
            inner.unlock()
        }
        start("server-waiter") { [self] in
            innerHeld.wait()
            outer.withLock { inner.withLock {} }
        }
        // Only the waiter waits for `server.inner`.
        for _ in 0..<600_000 {
            if let wait = LockProfiler.currentWaits().first(where: { $0.lockName == inner.name }) { return wait }
            usleep(100)
        }
        return nil
    }

    /// Runs `body` on a new thread called `name`, counted in `finished`. The thread names itself
    /// once `start()` has returned: Foundation gives the system thread a name set from inside it
    /// only once the parent has recorded the thread's handle (and not one set before `start()`).
    private func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [finished] in
            started.wait()
            Thread.current.name = name
            body()
            finished.leave()
        }
        thread.start()
        started.signal()
    }

    /// Lets the holder release `server.inner` and waits for both threads.
    func end() {
        release.signal()
        finished.wait()
    }
}

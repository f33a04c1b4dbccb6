import Foundation

/// Misuses an error-checking pthread mutex the ways whose errors a program may rely on, so a test
/// can see that the interposition library hands them back unchanged.
enum ErrorChecks {
    /// `relock=EDEADLK try=EBUSY unlock-unowned=EPERM timed=ETIMEDOUT` when every error came back as
    /// glibc returns it (the names of other values otherwise).
    static func run() -> String {
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
        let probe = Probe(UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1))
        pthread_mutex_init(probe.mutex, &attributes)
        pthread_mutex_lock(probe.mutex)
        let relock = pthread_mutex_lock(probe.mutex)
        let tried = pthread_mutex_trylock(probe.mutex)
        let done = DispatchSemaphore(value: 0)
        Thread {
            probe.misuseFromAnotherThread()
            done.signal()
        }.start()
        done.wait()
        pthread_mutex_unlock(probe.mutex)
        return "relock=\(name(relock)) try=\(name(tried)) unlock-unowned=\(name(probe.unlockUnowned)) timed=\(name(probe.timed))"
    }

    /// The mutex and what the other thread got back from it.
    final class Probe: @unchecked Sendable {
        let mutex: UnsafeMutablePointer<pthread_mutex_t>
        var unlockUnowned: Int32 = -1
        var timed: Int32 = -1

        init(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) { self.mutex = mutex }

        /// Unlocks the mutex it does not own, then waits 20 ms for it.
        func misuseFromAnotherThread() {
            unlockUnowned = pthread_mutex_unlock(mutex)
            var deadline = timespec()
            clock_gettime(CLOCK_REALTIME, &deadline)
            deadline.tv_nsec += 20_000_000
            if deadline.tv_nsec >= 1_000_000_000 {
                deadline.tv_sec += 1
                deadline.tv_nsec -= 1_000_000_000
            }
            timed = pthread_mutex_timedlock(mutex, &deadline)
        }
    }

    static func name(_ code: Int32) -> String {
        switch code {
        case 0: "0"
        case EDEADLK: "EDEADLK"
        case EBUSY: "EBUSY"
        case EPERM: "EPERM"
        case ETIMEDOUT: "ETIMEDOUT"
        default: "\(code)"
        }
    }
}

import CLockProfSupport

extension LockProfiler {
    /// Who waits for which lock right now: every thread asleep on a profiled lock, with the lock,
    /// how long it has waited so far and the profiled locks it holds meanwhile, ordered by
    /// thread. What `/debug/lockprof/locks` serves as each lock's `waiters` and `holders`.
    ///
    /// It reads what each waiting thread published for the deadlock watchdog just before it
    /// slept, so it stops no thread; the only locks it takes are lockprof's registries, which a
    /// program's thread takes once per thread and per lock created. What it sees: waits begun
    /// while recording (either level) on a ``ProfiledMutex``, a ``ProfiledLock`` or a
    /// ``ProfiledRecursiveLock`` (a ``ProfiledCondition``'s re-acquisition of its mutex included),
    /// once the waiter has stopped spinning and sleeps, and on a ``ProfiledRWLock`` (either side)
    /// or a ``ProfiledSemaphore``. Not seen: a thread in a condition's `wait()`, whose time asleep
    /// is no lock wait. A thread that holds a lock but waits for none is not here: holders are known only
    /// through the waits of the threads that hold them.
    ///
    /// ```swift
    /// let stuck = LockProfiler.currentWaits().filter { $0.waitedNanoseconds > 5_000_000_000 }
    /// ```
    public static func currentWaits() -> [LockWait] {
        let now = lockprof_now_ns()
        return RingRegistry.shared.currentRings().compactMap { ring in
            guard let wait = ring.wait.read() else { return nil }
            return LockWait(
                threadID: ring.serial, systemThreadID: ring.systemThreadID, threadName: ring.name, lockID: wait.lockID,
                lockName: lockName(of: wait.lockID), waitedNanoseconds: now >= wait.since ? now - wait.since : 0,
                heldLockIDs: wait.held)
        }
    }

    /// The name of the profiled lock `lockID` (a ``LockSnapshot/lockID``, a ``LockWait/lockID``):
    /// the name it was given, or its creation site; nil when no such lock exists any more.
    public static func lockName(of lockID: UInt32) -> String? {
        LockRegistry.shared.identity(of: lockID)?.name
    }

    /// How long the current hold of `lockID` has lasted, when that hold is timed: it began
    /// with a wait while recording, or is one of the 1 in 64 holds sampled for the hold-time
    /// estimate. Nil otherwise: the lock is free, or its holder took it without the clock (the
    /// uncontended path reads no clock).
    package static func currentHoldNanoseconds(of lockID: UInt32) -> UInt64? {
        guard let start = LockRegistry.shared.timedHoldStart(of: lockID) else { return nil }
        let now = lockprof_now_ns()
        return now >= start ? now - start : 0
    }
}

import CLockProfSupport

/// A narrow door into the recording path for `tools/Benchmarks/Sources/DrainRate`: it writes
/// events through the very calls a contended lock makes (``Recorder``: the thread's ring, the
/// stack-capture budget, the ring's drop count), without the lock's wait in front of them, so the
/// benchmark can produce events faster than a contended lock can and measure what the rings and
/// the collector sustain. Not for programs: it writes events no lock produced.
@_spi(Benchmarks)
public enum RecordingBenchmark {
    /// Writes what one contended hand-over of `lock` writes: a `contention` event (wait 1 µs) and
    /// a `release` event (hold 1 µs), each with a stack when the thread's capture budget allows,
    /// exactly as the lock's slow paths do. Two events; does nothing when not recording.
    public static func recordContendedHandOver(of lock: ProfiledLock) {
        guard lockprof_is_recording() != 0 else { return }
        let lockID = lock.core.lockID
        let now = lockprof_now_ns()
        let stack = Recorder.captureStack(at: now)
        Recorder.recordContention(
            lockID: lockID, time: now, wait: 1_000, waiterStack: stack, holderStack: 0, timedOut: false)
        Recorder.recordRelease(
            lockID: lockID, time: now &+ 1_000, hold: 1_000, holderStack: stack, measuredFromAcquisition: true)
    }

    /// Adds `count` contended hand-overs of lock `lockID` to the in-memory profile, as the
    /// waiter (both sides' wait) and the releaser (the hold) would, over `stacks` distinct stacks;
    /// returns the nanoseconds they took: the aggregation's own cost, without stack capture.
    public static func aggregateHandOvers(_ count: Int, lockID: UInt32, stacks: Int) -> UInt64 {
        let start = lockprof_now_ns()
        for index in 0..<count {
            let stack = UInt64(index % stacks + 1)
            ContentionProfile.shared.addContention(lockID: lockID, wait: 1_000, waiterStack: stack, holderStack: stack &+ 7)
            ContentionProfile.shared.addHold(lockID: lockID, hold: 1_000, holderStack: stack &+ 7)
        }
        return lockprof_now_ns() &- start
    }

    /// Publishes and ends `count` waits for lock `lockID` as a contended waiter does just before
    /// and after it sleeps (``PublishedWait``), with `held` profiled locks on the thread's held
    /// stack (ids 1…`held`, pushed for the run and popped after); returns the nanoseconds they
    /// took: what publishing a wait adds to the contended path. Does nothing when not recording.
    public static func publishWaits(_ count: Int, lockID: UInt32, held: Int) -> UInt64 {
        guard lockprof_is_recording() != 0 else { return 0 }
        for lock in 0..<held { lockprof_held_push(UInt32(lock + 1)) }
        defer { for lock in (0..<held).reversed() { lockprof_held_pop(UInt32(lock + 1)) } }
        let start = lockprof_now_ns()
        for index in 0..<count {
            Recorder.publishWait(lockID: lockID, since: start &+ UInt64(index), stack: 0)?.end()
        }
        return lockprof_now_ns() &- start
    }

    /// Threads that have a ring (recorded at least once): what ``LockProfiler/currentWaits()`` reads.
    public static var registeredThreads: Int { RingRegistry.shared.currentRings().count }

    /// How many times producers woke the collector early (``CollectorWakeup``): each one a
    /// FUTEX_WAKE system call on a contended path.
    public static var collectorWakeups: UInt64 { CollectorWakeup.wakeCalls.load(ordering: .relaxed) }

    /// The monotonic clock the trace uses, in nanoseconds.
    public static func now() -> UInt64 { lockprof_now_ns() }
}

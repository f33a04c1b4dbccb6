import CLockProfSupport
import Synchronization

// MARK: - The holder's CPU time over timed holds
//
// `holder_on_cpu` in a report is measured, not guessed: the share of hold time the holder spent
// running, from the holder thread's CPU clock (CLOCK_THREAD_CPUTIME_ID, `lockprof_thread_cpu_ns`)
// read at both ends of holds that are timed anyway, never on the uncontended path.
//
// Which holds are covered: a lock's exclusive holds (mutex, writer, recursive lock) that are timed
// — sampled (1 in 64 acquisitions while recording) or begun by a wait — once the lock has its side
// block (it has waited, or failed a tryLock, before), and that begin at least
// ``LockCore/holderCPUInterval`` (100 µs) after the latest one that was measured
// (`cpuMeasuredHoldStart`, written by the holder under the lock). So every hold of a lock held for
// milliseconds is measured, and a lock taken millions of times a second reads the clock at most
// 10 000 times a second: reading it, a system call, on every timed hold cost the preload library's
// two-thread hammer a quarter of its throughput (docs/performance.md, "Programs as they are"). The
// share is a ratio of sums, which the long holds dominate anyway. At the
// hold's start, right after the wall clock, the holder reads its CPU clock into the side block
// (`holdStartCPU`, with its thread token in `holdStartThread`); its release reads the CPU clock
// again, just before the wall clock, so the CPU interval lies inside the wall interval. The hold
// is counted, its wall time in `cpuMeasuredHoldNanoseconds` and its CPU time in
// `holderCPUNanoseconds`, when the release accounts it (a sampled hold, or a blocking hold
// measured from its acquisition, both begun in the session recording now) and it is released on
// the thread that read the start.
//
// Not covered: holds of a lock without a side block (a lock that never waited is never flagged,
// and a CPU clock read is a system call: 1 in 64 acquisitions of every lock would pay two);
// blocking holds not timed from the acquisition (the waiter, on another thread, decided late
// that the hold is timed, so no CPU reading was taken at its start); readers' and permits'
// holds (not timed); holds clipped to the session's start.
//
// Both slots are written and read only by the holder, under the lock (plain stores); every timed
// hold's release clears the start, whether or not it counts the hold, so a start is never read
// by a later hold.

extension LockCore {
    /// A timed hold reads the holder's CPU clock only this long (ns) after the latest one that did
    /// (the protocol above).
    static var holderCPUInterval: UInt64 { 100_000 }

    /// At the start of a timed hold that began at `wallStart`, after that wall-clock reading:
    /// reads the holder's CPU clock into `side` when the latest hold that did began at least
    /// ``holderCPUInterval`` earlier (the protocol above). By the holder.
    func startHolderCPUClock(_ side: UnsafeMutablePointer<Atomic<UInt64>>, wallStart: UInt64) {
        let latest = side[SideSlot.cpuMeasuredHoldStart].load(ordering: .relaxed)
        guard latest == 0 || wallStart &- latest >= Self.holderCPUInterval else {
            side[SideSlot.holdStartCPU].store(0, ordering: .relaxed)
            return
        }
        side[SideSlot.cpuMeasuredHoldStart].store(wallStart, ordering: .relaxed)
        side[SideSlot.holdStartThread].store(UInt64(lockprof_thread_token()), ordering: .relaxed)
        side[SideSlot.holdStartCPU].store(lockprof_thread_cpu_ns(), ordering: .relaxed)
    }

    /// At the release of a timed hold: the CPU clock reading its start took on this thread, or
    /// 0 when it took none (or on another thread); clears it. By the releasing holder. Inlined:
    /// every sampled hold's release asks, and most locks have no side block.
    @inline(__always)
    func takeHolderCPUStart() -> UInt64 {
        guard let side = existingSideSlots else { return 0 }
        let start = side[SideSlot.holdStartCPU].load(ordering: .relaxed)
        guard start != 0 else { return 0 }
        side[SideSlot.holdStartCPU].store(0, ordering: .relaxed)
        return side[SideSlot.holdStartThread].load(ordering: .relaxed) == UInt64(lockprof_thread_token()) ? start : 0
    }

    /// The CPU time between `start` and `end` (two readings of this thread's CPU clock), nil
    /// when either is missing (0).
    @inline(__always)
    static func holderCPUNanoseconds(from start: UInt64, to end: UInt64) -> UInt64? {
        guard start != 0, end != 0 else { return nil }
        return end > start ? end - start : 0
    }
}

import Foundation

/// Two NSLocks that make threads wait for different reasons: one is held across a sleep (the
/// holder is off the CPU, as across I/O), the other across a computation (the holder runs). A
/// test checks that the report measures the difference (`holder_on_cpu`) and names the patterns.
final class HeldOffAndOnTheCPU: @unchecked Sendable {
    let sleepingLock = NSLock()
    let computingLock = NSLock()
    private var sleeps = 0
    private var sum = 0
    /// CPU and wall time of the computing holds, as the holders measured them (under the lock).
    private var computingCPU: UInt64 = 0
    private var computingWall: UInt64 = 0

    /// Holds `sleepingLock` for 2 ms of sleep.
    @inline(never) func sleepUnderTheLock() {
        sleepingLock.lock()
        usleep(2_000)
        sleeps += 1
        sleepingLock.unlock()
    }

    /// Holds `computingLock` for about 2 ms of computation.
    @inline(never) func computeUnderTheLock() {
        computingLock.lock()
        let startCPU = Self.threadCPUNanoseconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var value = sum
        while DispatchTime.now().uptimeNanoseconds - start < 2_000_000 {
            for step in 0..<1_000 { value = value &* 31 &+ step }
        }
        sum = value
        computingWall += DispatchTime.now().uptimeNanoseconds - start
        computingCPU += Self.threadCPUNanoseconds() - startCPU
        computingLock.unlock()
    }

    /// Three threads on each lock, `rounds` holds each; returns the sleeps counted under the lock
    /// and the computing holders' own share of their hold time on the CPU (0…1).
    func run(rounds: Int) -> (sleeps: Int, computingOnCPU: Double) {
        runThreads(3) { _ in for _ in 0..<rounds { self.sleepUnderTheLock() } }
        runThreads(3) { _ in for _ in 0..<rounds { self.computeUnderTheLock() } }
        return (sleeps, computingWall == 0 ? 0 : Double(computingCPU) / Double(computingWall))
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

/// The share of hold time a lock's holder spent running on the CPU: what tells a critical
/// section that computes (`long-critical-section`) from one that blocks (`blocking-under-lock`:
/// sleep, I/O, another lock).
///
/// Measured, not guessed: the runtime reads the holder thread's CPU clock at both ends of the
/// holds it times anyway (sampled, or begun by a wait, once the lock has waited) and keeps their
/// wall time (``LockCounter/cpuMeasuredHoldNanoseconds``) and CPU time
/// (``LockCounter/holderCPUNanoseconds``). The share is their ratio, at most 1.
package enum HolderOnCPU {
    /// CPU ÷ wall time over the measured holds, 0…1; nil when no hold was measured (a lock that
    /// never waited while recording, a trace written before the counters existed).
    package static func share(cpuNanoseconds: UInt64, holdNanoseconds: UInt64) -> Double? {
        guard holdNanoseconds > 0 else { return nil }
        return min(Double(cpuNanoseconds) / Double(holdNanoseconds), 1)
    }
}

/// A call stack and the share of a lock's wait blamed on it.
public struct StackReport: Equatable, Sendable {
    /// The stack's id in its process's trace.
    public var stackID: UInt32
    /// The wait blamed on this stack, scaled up for waits recorded without a stack (see
    /// `StackAttribution`); nanoseconds.
    public var weightNanoseconds: UInt64
    /// Contention events attributed to the stack (as recorded, not scaled).
    public var count: UInt64
    /// `weightNanoseconds ÷` the lock's total wait, 0…1.
    public var share: Double
    /// Innermost first, profiler and runtime frames trimmed.
    public var frames: [FrameReport]
    /// Holder stacks only: releases from this stack that left waiters behind.
    public var releases: UInt64?
    /// Holder stacks only: the mean hold of those releases, nanoseconds.
    public var meanHoldNanoseconds: UInt64?

    /// A stack's report, as ``ContentionAnalysis`` builds it.
    public init(
        stackID: UInt32, weightNanoseconds: UInt64, count: UInt64, share: Double, frames: [FrameReport],
        releases: UInt64? = nil, meanHoldNanoseconds: UInt64? = nil
    ) {
        self.stackID = stackID
        self.weightNanoseconds = weightNanoseconds
        self.count = count
        self.share = share
        self.frames = frames
        self.releases = releases
        self.meanHoldNanoseconds = meanHoldNanoseconds
    }
}

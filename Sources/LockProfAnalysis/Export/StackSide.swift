/// Which stacks an export weighs: the holders' (the code that held the lock while others waited,
/// as Go's mutex profile does) or the waiters' (the code that waited, as Go's block profile does).
public enum StackSide: String, Sendable, CaseIterable {
    /// The stacks that held the lock while others waited (Go's mutex profile).
    case holder
    /// The stacks that waited for the lock (Go's block profile).
    case waiter

    /// The stacks of `lock` on this side, heaviest first.
    public func stacks(of lock: LockReport) -> [StackReport] {
        switch self {
        case .holder: lock.holderStacks
        case .waiter: lock.waiterStacks
        }
    }
}

/// One weighed stack of one lock, as every export sees it: the unit pprof samples, folded lines
/// and flame graphs are made of.
public struct ExportedStack: Equatable, Sendable {
    /// The lock the stack waited for or held.
    public var lock: LockReport
    /// Innermost first; empty when the lock's wait has no captured stack (exports show it as one
    /// `[stack not captured]` frame, so totals still add up to the lock's wait).
    public var frames: [FrameReport]
    /// Waits attributed to the stack.
    public var contentions: UInt64
    /// Wait blamed on the stack, nanoseconds (scaled; the side's weights add up to the lock's wait).
    public var delayNanoseconds: UInt64
    /// Holder side: total hold of the releases from this stack that left waiters behind.
    public var holdNanoseconds: UInt64

    /// The stacks of every lock of `report` on `side`; a lock that waited without any captured
    /// stack contributes one frameless entry with its whole wait.
    public static func all(in report: ContentionReport, side: StackSide) -> [ExportedStack] {
        var result: [ExportedStack] = []
        for lock in report.locks {
            let stacks = side.stacks(of: lock)
            for stack in stacks where stack.weightNanoseconds > 0 || (stack.releases ?? 0) > 0 {
                let hold = (stack.releases ?? 0).multipliedReportingOverflow(by: side == .holder ? stack.meanHoldNanoseconds ?? 0 : 0)
                result.append(
                    ExportedStack(
                        lock: lock, frames: stack.frames, contentions: stack.count, delayNanoseconds: stack.weightNanoseconds,
                        holdNanoseconds: hold.overflow ? .max : hold.partialValue))
            }
            if lock.waitNanoseconds > 0, !stacks.contains(where: { $0.weightNanoseconds > 0 }) {
                let waits = lock.contendedAcquisitions + lock.timeouts
                result.append(
                    ExportedStack(lock: lock, frames: [], contentions: waits, delayNanoseconds: lock.waitNanoseconds, holdNanoseconds: 0))
            }
        }
        return result
    }

    /// The name exports give a frame: the readable function name, or the placeholder.
    static func name(of frame: FrameReport) -> String { FunctionName.readable(frame.function) }

    static let notCaptured = "[stack not captured]"
}

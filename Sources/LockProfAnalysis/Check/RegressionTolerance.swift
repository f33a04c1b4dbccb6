/// How much worse than its baseline a lock's wait may get before `check --baseline` fails.
///
/// A lock regresses only when its wait fraction grew by more than `relative` of the baseline's
/// **and** by more than `absolute` (a share of runtime). The relative part absorbs run-to-run noise
/// on busy locks; the absolute floor keeps a lock that went from 0.01% to 0.05% of runtime
/// (five times worse, still nothing) from failing the build.
///
/// ```swift
/// let tolerance = RegressionTolerance(relative: 0.5, absolute: 0.01)
/// tolerance.isRegression(before: 0.20, after: 0.25)   // false: +25% < +50%
/// tolerance.isRegression(before: 0.20, after: 0.40)   // true: +100% and +20 points
/// ```
public struct RegressionTolerance: Equatable, Sendable {
    /// Allowed growth as a share of the baseline's wait fraction (0.5 = may grow by half).
    public var relative: Double
    /// Allowed growth in wait fraction, whatever the baseline (0.01 = one point of runtime).
    public var absolute: Double

    /// A tolerance; by default +50% and one point of runtime.
    public init(relative: Double = 0.5, absolute: Double = 0.01) {
        self.relative = relative
        self.absolute = absolute
    }

    /// Whether going from `before` to `after` (wait fractions) exceeds both allowances.
    public func isRegression(before: Double, after: Double) -> Bool {
        after > before * (1 + relative) && after - before > absolute
    }
}

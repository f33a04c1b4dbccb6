/// Everything `lockprof check` judges a report by: global limits, per-lock overrides chosen by
/// name pattern, locks to ignore, whether lock-order inversions are allowed, and the tolerance of
/// a baseline comparison. Built from flags and `lockprof.json` (``CheckConfiguration``).
public struct CheckPolicy: Equatable, Sendable {
    /// One override: the limits for locks whose name matches `pattern`.
    public struct Override: Equatable, Sendable {
        /// The lock names the override applies to.
        public var pattern: LockNamePattern
        /// Unset limits fall back to the global ones.
        public var limits: LockLimits

        /// Limits for locks whose name matches `pattern`.
        public init(pattern: LockNamePattern, limits: LockLimits) {
            self.pattern = pattern
            self.limits = limits
        }
    }

    /// Limits for every lock no override matches.
    public var limits: LockLimits
    /// Checked in order; the first match wins.
    public var overrides: [Override]
    /// Locks left out of the check altogether.
    public var ignored: [LockNamePattern]
    /// When false, a lock-order inversion in the report fails the check (reason kind
    /// ``CheckFailure/Reason/inversion(_:)``).
    public var allowInversions: Bool
    /// How much a lock may regress against a baseline.
    public var tolerance: RegressionTolerance

    /// A policy; by default the standard limits (wait at most 10% of runtime), nothing ignored,
    /// inversions failing, a 50% / 1-point baseline tolerance.
    public init(
        limits: LockLimits = .standard, overrides: [Override] = [], ignored: [LockNamePattern] = [],
        allowInversions: Bool = false, tolerance: RegressionTolerance = RegressionTolerance()
    ) {
        self.limits = limits
        self.overrides = overrides
        self.ignored = ignored
        self.allowInversions = allowInversions
        self.tolerance = tolerance
    }

    /// The limits that apply to the lock called `name`.
    public func limits(for name: String) -> LockLimits {
        guard let override = overrides.first(where: { $0.pattern.matches(name) }) else { return limits }
        return override.limits.filled(from: limits)
    }

    /// Whether the lock called `name` is left out of the check.
    public func isIgnored(_ name: String) -> Bool { ignored.contains { $0.matches(name) } }
}

/// The limits one lock must stay within for `lockprof check` to pass. A limit left nil is not
/// checked (in an override: taken from the global limits).
public struct LockLimits: Equatable, Sendable {
    /// Largest allowed total wait as a share of the process's runtime (``LockReport/waitFraction``).
    public var maxWaitFraction: Double?
    /// Largest allowed 99th-percentile wait, nanoseconds.
    public var maxP99WaitNanoseconds: UInt64?
    /// Largest allowed share of acquisitions that had to wait (``LockReport/contendedFraction``).
    public var maxContendedShare: Double?

    /// Limits; the ones left nil are not checked.
    public init(maxWaitFraction: Double? = nil, maxP99WaitNanoseconds: UInt64? = nil, maxContendedShare: Double? = nil) {
        self.maxWaitFraction = maxWaitFraction
        self.maxP99WaitNanoseconds = maxP99WaitNanoseconds
        self.maxContendedShare = maxContendedShare
    }

    /// The default gate: wait at most 10% of runtime, nothing else checked.
    public static let standard = LockLimits(maxWaitFraction: ContentionAnalysis.defaultThreshold)

    /// These limits with the unset ones taken from `fallback`.
    public func filled(from fallback: LockLimits) -> LockLimits {
        LockLimits(
            maxWaitFraction: maxWaitFraction ?? fallback.maxWaitFraction,
            maxP99WaitNanoseconds: maxP99WaitNanoseconds ?? fallback.maxP99WaitNanoseconds,
            maxContendedShare: maxContendedShare ?? fallback.maxContendedShare)
    }

    /// These limits with the ones set in `other` replacing them (flags over the config file).
    public func overridden(by other: LockLimits) -> LockLimits { other.filled(from: self) }
}

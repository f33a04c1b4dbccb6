/// What kind of problem a flagged lock has and what to change, with the figures that chose it
/// so a reader can disagree.
public struct LockDiagnosis: Equatable, Sendable {
    /// The pattern the measurements match.
    public var pattern: DiagnosisPattern
    /// The figures that chose the pattern, one short phrase each (`mean hold 6.20 µs`).
    public var evidence: [String]
    /// What to change (``DiagnosisPattern/advice``).
    public var advice: String
    /// Share of hold time the holder spent running on the CPU, 0…1, from the thread CPU clock on
    /// timed holds; nil when the trace does not carry it.
    public var holderOnCPU: Double?
    /// The holder frame the diagnosis points at (the innermost frame of the heaviest holder
    /// stack); nil when no holder stack was captured.
    public var holderFrame: String?

    /// A diagnosis; the advice comes from the pattern.
    public init(pattern: DiagnosisPattern, evidence: [String], holderOnCPU: Double? = nil, holderFrame: String? = nil) {
        self.pattern = pattern
        self.evidence = evidence
        self.advice = pattern.advice
        self.holderOnCPU = holderOnCPU
        self.holderFrame = holderFrame
    }
}

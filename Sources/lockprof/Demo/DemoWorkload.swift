import LockProfAnalysis

/// What one demo scenario did: the exact acquisitions it made of the locks whose count is known,
/// and anything that did not add up.
struct DemoOutcome {
    var scenario: String
    /// Lock name → acquisitions the scenario made.
    var acquisitions: [String: UInt64]
    /// One sentence per count that did not match the work done.
    var problems: [String]
    /// How long the scenario ran.
    var duration: Duration = .zero
}

/// The built-in workload of `lockprof demo`: a hot global lock, a sharded counter (with a total
/// across shards), a striped dictionary, a bank account with the slow part inside and then
/// outside its lock, and a lock only one thread uses; one after another, each on real threads,
/// about a second in all.
enum DemoWorkload {
    /// Runs `scenarios` (``DemoScenario/defaultRun`` when empty) and returns their outcomes, in order.
    static func run(_ scenarios: [DemoScenario] = []) -> [DemoOutcome] {
        (scenarios.isEmpty ? DemoScenario.defaultRun : scenarios).map { scenario in timed { scenario.run() } }
    }

    private static func timed(_ scenario: () -> DemoOutcome) -> DemoOutcome {
        let clock = ContinuousClock()
        var outcome = DemoOutcome(scenario: "", acquisitions: [:], problems: [])
        let duration = clock.measure { outcome = scenario() }
        outcome.duration = duration
        return outcome
    }

    /// `hot counter 0.31 s, sharded counter 0.20 s, …`
    static func timings(_ outcomes: [DemoOutcome]) -> String {
        outcomes.map { outcome in
            let nanoseconds = outcome.duration.components.seconds * 1_000_000_000
                + outcome.duration.components.attoseconds / 1_000_000_000
            return "\(outcome.scenario) \(ReportFormatting.duration(nanoseconds: UInt64(max(nanoseconds, 0))))"
        }.joined(separator: ", ")
    }
}

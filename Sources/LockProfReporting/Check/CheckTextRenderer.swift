import LockProfAnalysis

/// `lockprof check`'s terminal output: one `FAIL name: why; why` line per failing lock and per
/// other failure, or `OK` and the verdict when all passed.
///
/// ```
/// FAIL demo.account: wait 126.0% of runtime > 10%
/// ```
package struct CheckTextRenderer: Sendable {
    /// The renderer (it has no settings).
    package init() {}

    /// The outcome's lines, ending in a newline.
    package func render(_ outcome: CheckOutcome) -> String {
        var lines = outcome.failedLocks.map { "FAIL \($0.displayName): " + $0.failures.map(\.description).joined(separator: "; ") }
        lines += outcome.otherFailures.map { "FAIL \($0)" }
        if outcome.passed {
            let plain = !outcome.comparedWithBaseline && !outcome.locks.contains(where: \.isIgnored)
            lines.append("OK " + (plain ? outcome.report.verdict.description : outcome.summary))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import ArgumentParser
import Foundation
import LockProfAnalysis
import LockProfReporting

/// `lockprof check TRACE...`: a CI gate. Exit 0 when every lock stays within its limits (or, with
/// a baseline, did not regress), 1 when one does not, 2 when a trace, the configuration or the
/// baseline cannot be read.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail (exit 1) when a lock waits too long, regressed against a baseline, or locks were taken in opposite orders.",
        discussion: """
            A lock-order inversion (two locks taken in opposite orders by different code) fails \
            the check unless --allow-inversions (or "allowInversions" in the config) is given.

            Limits come from the flags, then lockprof.json (--config, see docs/check-config.md), then \
            the default: wait at most 10% of runtime. With --baseline (a report written by \
            `lockprof report --format json`, or a trace), a lock the baseline knows fails only when \
            its wait fraction grew by more than --tolerance and by more than --regression-floor.

            Exit codes: 0 pass, 1 some lock failed, 2 a trace, config or baseline cannot be read.

            Examples:
              lockprof check trace.bin --max-wait-fraction 5% --max-p99-wait 2ms
              lockprof check trace.bin --config lockprof.json --format github
              lockprof report main.trace --format json > baseline.json
              lockprof check pr.trace --baseline baseline.json --format junit -o out.xml
            """
    )

    @Argument(help: "Trace files written by the LockProf runtime.")
    var traces: [String]

    @Option(help: "Limits, overrides and ignored locks in a JSON file (docs/check-config.md).")
    var config: String?

    @Option(parsing: .unconditional, help: "The largest allowed wait, as a share of runtime: a percentage (10%) or a fraction (0.1). Default 10%.")
    var maxWaitFraction: String?

    @Option(help: "The largest allowed 99th-percentile wait (5ms, 200us).")
    var maxP99Wait: String?

    @Option(parsing: .unconditional, help: "The largest allowed share of acquisitions that had to wait (50%).")
    var maxContendedShare: String?

    @Option(help: "Leave locks matching this name pattern out of the check (repeatable; * and ? wildcards).")
    var ignore: [String] = []

    @Option(help: "Compare against this JSON report or trace: only regressions fail.")
    var baseline: String?

    @Option(parsing: .unconditional, help: "With --baseline: allowed growth of a lock's wait fraction, relative to the baseline (default 50%).")
    var tolerance: String?

    @Option(parsing: .unconditional, help: "With --baseline: growth of a wait fraction below this share of runtime never fails (default 1%).")
    var regressionFloor: String?

    @Option(help: "Output format.")
    var format: CheckFormat = .text

    @Option(name: [.short, .customLong("output")], help: "Write the output to this file instead of standard output.")
    var output: String?

    @Option(help: "With --format github: file paths are made relative to this directory (default: the current directory).")
    var sourceRoot: String?

    @Flag(help: "Do not fail on lock-order inversions (locks taken in opposite orders by different code).")
    var allowInversions = false

    func validate() throws {
        guard !traces.isEmpty else { throw ValidationError("Give at least one trace file.") }
        _ = try flagPolicy(CheckPolicy())
    }

    /// `base` with the limits given as flags applied on top.
    func flagPolicy(_ base: CheckPolicy) throws -> CheckPolicy {
        var policy = base
        do {
            var flags = LockLimits()
            flags.maxWaitFraction = try maxWaitFraction.map { try LimitSyntax.fraction($0, name: "--max-wait-fraction") }
            flags.maxP99WaitNanoseconds = try maxP99Wait.map { try LimitSyntax.duration($0, name: "--max-p99-wait") }
            flags.maxContendedShare = try maxContendedShare.map { try LimitSyntax.fraction($0, name: "--max-contended-share") }
            policy.limits = policy.limits.overridden(by: flags)
            if let tolerance { policy.tolerance.relative = try LimitSyntax.tolerance(tolerance, name: "--tolerance") }
            if let regressionFloor { policy.tolerance.absolute = try LimitSyntax.tolerance(regressionFloor, name: "--regression-floor") }
        } catch let error as LimitSyntaxError {
            throw ValidationError(error.message)
        }
        policy.ignored += ignore.map(LockNamePattern.init)
        return policy
    }

    func run() throws {
        var policy = try CommandFailure.reporting { () throws -> CheckPolicy in
            var base = CheckPolicy()
            if let config {
                let text = String(decoding: try FileAccess.read(config), as: UTF8.self)
                base = try CheckConfiguration.policy(json: text, path: config)
            }
            return try flagPolicy(base)
        }
        if allowInversions { policy.allowInversions = true }
        let threshold = policy.limits.maxWaitFraction ?? ContentionAnalysis.defaultThreshold
        let report = try CommandFailure.reporting { try ContentionAnalysis.report(paths: traces, threshold: threshold) }
        let reference = try baseline.map { path in try CommandFailure.reporting { try Self.loadBaseline(path) } }
        for note in report.notes { CommandFailure.printError("note: \(note)") }

        let outcome = ContentionCheck.evaluate(report, policy: policy, baseline: reference)
        let text: String
        switch format {
        case .text: text = CheckTextRenderer().render(outcome)
        case .json: text = CheckJSONRenderer().render(outcome)
        case .github:
            text = GitHubAnnotationRenderer(sourceRoot: sourceRoot ?? FileManager.default.currentDirectoryPath).render(outcome)
        case .junit: text = JUnitRenderer().render(outcome)
        }
        if let output {
            try CommandFailure.reporting { try FileAccess.write(Array(text.utf8), to: output) }
        } else {
            CommandFailure.printOutput(text)
        }
        if !outcome.passed { throw ExitCode(1) }
    }

    /// A baseline from a JSON report or, when the file is a trace, from its analysis.
    static func loadBaseline(_ path: String) throws -> Baseline {
        let bytes = try FileAccess.read(path)
        if FileAccess.isTrace(bytes) { return Baseline(report: try ContentionAnalysis.report(paths: [path])) }
        return try Baseline(reportJSON: String(decoding: bytes, as: UTF8.self), path: path)
    }
}

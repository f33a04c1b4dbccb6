import LockProfAnalysis

/// `lockprof check --format json`: the outcome for tools (docs/check-config.md, "JSON output").
///
/// ```json
/// {"schema": 1, "passed": false, "summary": "…", "locks": [{"name": "demo.account", "status": "fail",
///  "wait_fraction": 1.26, "baseline_wait_fraction": null, "failures": [{"kind": "wait_fraction", "message": "…"}]}],
///  "failures": []}
/// ```
package struct CheckJSONRenderer: Sendable {
    /// The version written as `"schema"`; bumped when a key changes meaning or goes away.
    package static let schema: UInt64 = 1

    /// The renderer (it has no settings).
    package init() {}

    /// The outcome's JSON text, ending in a newline.
    package func render(_ outcome: CheckOutcome) -> String {
        JSONValue.object([
            ("schema", .unsigned(Self.schema)),
            ("passed", .bool(outcome.passed)),
            ("summary", .string(outcome.summary)),
            ("locks", .array(outcome.locks.map(value(of:)))),
            ("failures", .array(outcome.otherFailures.map(value(of:)))),
        ]).serialized() + "\n"
    }

    func value(of check: CheckOutcome.LockCheck) -> JSONValue {
        .object([
            ("name", .string(check.lock.name)),
            ("process", .signed(Int64(check.lock.process))),
            ("site", .string(check.lock.site)),
            ("status", .string(check.isIgnored ? "ignored" : check.passed ? "pass" : "fail")),
            ("wait_fraction", .number(check.lock.waitFraction)),
            ("baseline_wait_fraction", check.baselineWaitFraction.map { .number($0) } ?? .null),
            ("wait_p99_ns", .unsigned(check.lock.waitP99Nanoseconds)),
            ("contended_fraction", check.lock.contendedFraction.map { .number($0) } ?? .null),
            ("failures", .array(check.failures.map(value(of:)))),
        ])
    }

    func value(of failure: CheckFailure) -> JSONValue {
        .object([("kind", .string(failure.kind)), ("message", .string(failure.description))])
    }
}

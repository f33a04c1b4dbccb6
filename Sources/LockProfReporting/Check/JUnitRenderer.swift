import LockProfAnalysis

/// `lockprof check --format junit`: a JUnit XML report with one test case per lock, which CI
/// systems (GitLab, Jenkins, GitHub test reporters) render as passed, failed or skipped tests.
///
/// A failing lock's `<failure>` has the reasons as its `message` and the lock's report table and
/// stacks as its text; an ignored lock is `<skipped/>`; other failures (inversions) are test cases
/// of their own.
package struct JUnitRenderer: Sendable {
    /// The renderer (it has no settings).
    package init() {}

    /// The XML document, ending in a newline.
    package func render(_ outcome: CheckOutcome) -> String {
        let multipleProcesses = outcome.report.processes.count > 1
        var cases: [String] = []
        for check in outcome.locks {
            let head = "    <testcase classname=\"lockprof.check\" name=\"\(MarkupEscaping.text(check.displayName))\" time=\"0\">"
            if check.isIgnored {
                cases.append(head + "<skipped message=\"ignored by the configuration\"/></testcase>")
            } else if check.passed {
                cases.append("    <testcase classname=\"lockprof.check\" name=\"\(MarkupEscaping.text(check.displayName))\" time=\"0\"/>")
            } else {
                let message = check.failures.map(\.description).joined(separator: "; ")
                let kinds = check.failures.map(\.kind).joined(separator: ",")
                let details = LockTable.render([check.lock], multipleProcesses: multipleProcesses)
                cases.append(
                    head + "\n      <failure message=\"\(MarkupEscaping.text(message))\" type=\"\(kinds)\">"
                        + MarkupEscaping.text(details) + "</failure>\n    </testcase>")
            }
        }
        for (index, failure) in outcome.otherFailures.enumerated() {
            cases.append(
                "    <testcase classname=\"lockprof.check\" name=\"\(failure.kind) \(index + 1)\" time=\"0\">\n"
                    + "      <failure message=\"\(MarkupEscaping.text(failure.description))\" type=\"\(failure.kind)\"/>\n    </testcase>")
        }
        let tests = outcome.locks.count + outcome.otherFailures.count
        let failures = outcome.failedLocks.count + outcome.otherFailures.count
        let skipped = outcome.locks.filter(\.isIgnored).count
        let counts = "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="lockprof" \(counts)>
              <testsuite name="lockprof check" \(counts)>
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }
}

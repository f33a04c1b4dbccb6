import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LockProfAnalysis
import LockProfFormat
import LockProfReporting
import Testing

@Suite struct ContentionCheckTests {
    let report = ContentionAnalysis.report(records: hotAndShardedRun)

    @Test func defaultPolicyFailsTheHotLockOnly() throws {
        let outcome = ContentionCheck.evaluate(report, policy: CheckPolicy())
        #expect(!outcome.passed)
        #expect(outcome.failedLocks.map(\.displayName) == ["hot-counter"])
        let failure = try #require(outcome.failedLocks.first?.failures.first)
        #expect(failure.reason == .waitFraction(actual: 2.124, limit: 0.1))
        #expect(failure.description == "wait 212.4% of runtime > 10%")
        #expect(CheckTextRenderer().render(outcome) == "FAIL hot-counter: wait 212.4% of runtime > 10%\n")
    }

    @Test func overrideByPatternRaisesTheLimitForMatchingLocksOnly() {
        var policy = CheckPolicy(limits: LockLimits(maxWaitFraction: 0.1, maxContendedShare: 0.5))
        policy.overrides = [CheckPolicy.Override(pattern: LockNamePattern("hot-*"), limits: LockLimits(maxWaitFraction: 3))]
        let outcome = ContentionCheck.evaluate(report, policy: policy)
        // The override lifts the wait limit, the contended share still comes from the global limits.
        #expect(outcome.failedLocks.first?.failures.map(\.kind) == ["contended_share"])
        #expect(outcome.failedLocks.count == 1)
    }

    @Test func p99AndContendedShareLimits() {
        let policy = CheckPolicy(limits: LockLimits(maxP99WaitNanoseconds: 1_000, maxContendedShare: 0.5))
        let outcome = ContentionCheck.evaluate(report, policy: policy)
        let hot = outcome.locks.first { $0.lock.name == "hot-counter" }
        #expect(hot?.failures.map(\.kind) == ["p99_wait", "contended_share"])
        // Each shard waited 3 times (p99 in the 2048 ns bucket) but contended 0.003%: p99 fails only.
        let shard = outcome.locks.first { $0.lock.name == "shard-0" }
        #expect(shard?.failures.map(\.kind) == ["p99_wait"])
    }

    @Test func ignoredLocksNeverFail() {
        let policy = CheckPolicy(ignored: [LockNamePattern("hot-counter")])
        let outcome = ContentionCheck.evaluate(report, policy: policy)
        #expect(outcome.passed)
        #expect(outcome.locks.filter(\.isIgnored).map(\.lock.name) == ["hot-counter"])
        #expect(CheckTextRenderer().render(outcome) == "OK 0 of 9 locks failed the check (1 ignored).\n")
    }

    @Test func baselineAcceptsNoiseAndFailsRegressions() throws {
        var before = Baseline(report: report)
        // Same run: no change.
        #expect(ContentionCheck.evaluate(report, policy: CheckPolicy(), baseline: before).passed)
        // The hot lock was at 1.7 (now 2.124: +25%, under the 50% tolerance): passes.
        before.locks["hot-counter"]?.waitFraction = 1.7
        #expect(ContentionCheck.evaluate(report, policy: CheckPolicy(), baseline: before).passed)
        // It was at 1.0 (+112%): a regression.
        before.locks["hot-counter"]?.waitFraction = 1.0
        let outcome = ContentionCheck.evaluate(report, policy: CheckPolicy(), baseline: before)
        #expect(outcome.failedLocks.map(\.lock.name) == ["hot-counter"])
        #expect(outcome.failedLocks.first?.failures.first?.reason == .regression(before: 1.0, after: 2.124, tolerance: RegressionTolerance()))
        // A tolerance of 150% accepts it.
        let loose = CheckPolicy(tolerance: RegressionTolerance(relative: 1.5, absolute: 0.01))
        #expect(ContentionCheck.evaluate(report, policy: loose, baseline: before).passed)
    }

    @Test func inversionsFailUnlessAllowed() {
        let quiet = CheckPolicy(ignored: [LockNamePattern("hot-counter")])
        let inversion = "shard-1 → shard-2 here, shard-2 → shard-1 there"
        let failing = ContentionCheck.evaluate(report, policy: quiet, inversions: [inversion])
        #expect(!failing.passed)
        #expect(failing.otherFailures == [CheckFailure(.inversion(inversion))])
        #expect(CheckTextRenderer().render(failing) == "FAIL lock-order inversion: \(inversion)\n")
        var allowing = quiet
        allowing.allowInversions = true
        #expect(ContentionCheck.evaluate(report, policy: allowing, inversions: [inversion]).passed)
    }

    @Test func lockMissingFromTheBaselineIsJudgedByItsLimits() {
        var before = Baseline(report: report)
        before.locks["hot-counter"] = nil
        let outcome = ContentionCheck.evaluate(report, policy: CheckPolicy(), baseline: before)
        #expect(outcome.failedLocks.first?.failures.first?.kind == "wait_fraction")
        #expect(outcome.failedLocks.first?.baselineWaitFraction == nil)
    }

    @Test func baselineReadsTheJSONReport() throws {
        let json = JSONReportRenderer().render(report)
        let parsed = try Baseline(reportJSON: json, path: "baseline.json")
        #expect(parsed == Baseline(report: report))
        #expect(parsed.locks["hot-counter"]?.waitFraction == 2.124)
        #expect(parsed.locks["shard-3"]?.acquisitions == 100_000)
    }

    @Test func baselineThatIsNotAReportIsOneLine() {
        #expect(throws: InputFileError(path: "b.json", message: "not a lockprof JSON report (no \"schema\" and \"locks\"); write one with lockprof report --format json")) {
            try Baseline(reportJSON: "{\"locks\": 3}", path: "b.json")
        }
        #expect(throws: InputFileError.self) { try Baseline(reportJSON: "LOCK", path: "b.json") }
    }

    @Test func configurationFileSetsEveryKnob() throws {
        let json = """
            {"maxWaitFraction": "5%", "maxP99Wait": "2ms", "maxContendedShare": 0.5, "ignore": ["shard-*"],
             "allowInversions": true, "locks": [{"match": "hot-*", "maxWaitFraction": "100%"}],
             "baseline": {"tolerance": "200%", "floor": "2%"}}
            """
        let policy = try CheckConfiguration.policy(json: json, path: "lockprof.json")
        #expect(policy.limits == LockLimits(maxWaitFraction: 0.05, maxP99WaitNanoseconds: 2_000_000, maxContendedShare: 0.5))
        #expect(policy.ignored == [LockNamePattern("shard-*")])
        #expect(policy.allowInversions)
        #expect(policy.limits(for: "hot-counter") == LockLimits(maxWaitFraction: 1, maxP99WaitNanoseconds: 2_000_000, maxContendedShare: 0.5))
        #expect(policy.tolerance == RegressionTolerance(relative: 2, absolute: 0.02))
    }

    @Test func numbersInTheConfigurationAreNumbers() throws {
        let policy = try CheckConfiguration.policy(
            json: #"{"maxWaitFraction": 1, "maxP99Wait": 5000000, "baseline": {"floor": 0, "tolerance": 1}}"#, path: "lockprof.json")
        #expect(policy.limits.maxWaitFraction == 1)
        #expect(policy.limits.maxP99WaitNanoseconds == 5_000_000)
        #expect(policy.tolerance == RegressionTolerance(relative: 1, absolute: 0))
    }

    @Test func configurationErrorsNameTheFileAndKey() {
        func message(_ json: String) -> String? {
            do {
                _ = try CheckConfiguration.policy(json: json, path: "lockprof.json")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message("{\"maxWaitFraction\": \"110%\"}")?.hasPrefix("lockprof.json: maxWaitFraction must be at most 100%") == true)
        #expect(message("{\"maxWaitFracton\": \"10%\"}")?.hasPrefix("lockprof.json: unknown key maxWaitFracton") == true)
        #expect(message("{\"locks\": [{\"maxWaitFraction\": \"10%\"}]}")?.hasPrefix("lockprof.json: locks[0].match must be") == true)
        #expect(message("{\"locks\": [{\"match\": \"a\", \"maxP99Wait\": \"soon\"}]}")?.hasPrefix("lockprof.json: locks[0].maxP99Wait 'soon'") == true)
        #expect(message("[1, 2]") == "lockprof.json: the top level must be an object {…}")
        #expect(message("{\"allowInversions\": 1}") == "lockprof.json: allowInversions must be true or false")
        #expect(message("{\"maxWaitFraction\": true}")?.hasPrefix("lockprof.json: maxWaitFraction must be a percentage") == true)
        #expect(message("{")?.hasPrefix("lockprof.json: not valid JSON") == true)
    }

    @Test func githubAnnotationsPointAtTheSourceAndEscape() {
        let outcome = ContentionCheck.evaluate(report, policy: CheckPolicy())
        let lines = GitHubAnnotationRenderer(sourceRoot: "/src").render(outcome).split(separator: "\n").map(String.init)
        // The fixtures' sites are `Bank/Bank.swift:N` and no stack names the file: kept as written.
        #expect(lines == [
            "::error file=Bank/Bank.swift,line=1,title=lockprof%3A hot-counter::wait 212.4%25 of runtime > 10%25 (lock created here)",
            "lockprof check: 1 of 9 locks failed the check.",
        ])
    }

    @Test func junitHasOneTestCasePerLock() throws {
        let outcome = ContentionCheck.evaluate(report, policy: CheckPolicy(ignored: [LockNamePattern("shard-7")]))
        let xml = JUnitRenderer().render(outcome)
        let document = try XMLDocument(data: Data(xml.utf8))
        let cases = try document.nodes(forXPath: "//testcase")
        #expect(cases.count == 9)
        let failures = try document.nodes(forXPath: "//testcase/failure")
        #expect(failures.count == 1)
        let failure = try #require(failures.first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue == "wait 212.4% of runtime > 10%")
        #expect(failure.stringValue?.contains("hot-counter") == true)
        #expect(try document.nodes(forXPath: "//testcase/skipped").count == 1)
        #expect((try document.nodes(forXPath: "/testsuites").first as? XMLElement)?.attribute(forName: "failures")?.stringValue == "1")
    }
}

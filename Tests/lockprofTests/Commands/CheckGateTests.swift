import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `check` as a CI gate, end to end on traces recorded by `lockprof demo` in a child process.
@Suite struct CheckGateTests {
    let traces = RecordedTraces.shared

    /// `lockprof report TRACE --format json`, written to a file, with `edit` applied to its text.
    func baseline(of trace: String, editing edit: (String) -> String = { $0 }) throws -> String {
        let report = try CommandRunner.run(["report", trace, "--format", "json"])
        #expect(report.status == 0)
        let path = try temporaryDirectory().appendingPathComponent("baseline.json").path
        try Data(edit(report.standardOutput).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The baseline's `demo.account` wait fraction replaced by `factor ×` the recorded one.
    func scalingAccountWait(by factor: Double) -> (String) -> String {
        { json in
            var lines = json.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let index = lines.firstIndex(where: { $0.contains("\"wait_fraction\"") }),
                let value = Double(lines[index].split(separator: ":")[1].trimmingCharacters(in: CharacterSet(charactersIn: " ,")))
            else { return json }
            lines[index] = "      \"wait_fraction\": \(value * factor),"
            return lines.joined(separator: "\n")
        }
    }

    @Test func sameRunAsBaselinePasses() throws {
        let result = try CommandRunner.run(["check", traces.contended, "--baseline", try baseline(of: traces.contended)])
        #expect(result.status == 0)
        #expect(result.outputLines == ["OK 0 of 1 lock failed the check (against the baseline)."])
    }

    @Test func noiseBelowTheTolerancePasses() throws {
        // The baseline waited 80% as much: now +25%, under the default 50%.
        let path = try baseline(of: traces.contended, editing: scalingAccountWait(by: 0.8))
        let result = try CommandRunner.run(["check", traces.contended, "--baseline", path])
        #expect(result.status == 0)
    }

    @Test func regressionPastTheToleranceFails() throws {
        // The baseline waited a quarter as much: now +300%.
        let path = try baseline(of: traces.contended, editing: scalingAccountWait(by: 0.25))
        let result = try CommandRunner.run(["check", traces.contended, "--baseline", path])
        #expect(result.status == 1)
        let line = try #require(result.outputLines.first)
        #expect(line.hasPrefix("FAIL demo.account: wait "))
        #expect(line.contains("in the baseline (allowed: +50% and +1% of runtime)"))
        // A tolerance above the growth lets it pass.
        let loose = try CommandRunner.run(["check", traces.contended, "--baseline", path, "--tolerance", "400%"])
        #expect(loose.status == 0)
    }

    @Test func traceCanServeAsItsOwnBaseline() throws {
        let result = try CommandRunner.run(["check", traces.contended, "--baseline", traces.contended])
        #expect(result.status == 0)
    }

    @Test func githubOutputParsesBackToAnnotationsAtTheSource() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let result = try CommandRunner.run(["check", traces.contended, "--format", "github", "--source-root", root])
        #expect(result.status == 1)
        let annotations = result.outputLines.filter { $0.hasPrefix("::error ") }
        #expect(annotations.count == 2)
        var files: [String] = []
        for line in annotations {
            // ::error file=F,line=L,title=T::MESSAGE
            let body = line.dropFirst("::error ".count)
            let separator = try #require(body.range(of: "::"))
            let properties = Dictionary(
                uniqueKeysWithValues: body[..<separator.lowerBound].split(separator: ",").map {
                    let pair = $0.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]).removingPercentEncoding ?? "")
                })
            let message = String(body[separator.upperBound...]).removingPercentEncoding ?? ""
            #expect(properties["title"] == "lockprof: demo.account")
            #expect(message.hasPrefix("wait ") && message.contains("% of runtime > 10%"))
            let file = try #require(properties["file"])
            #expect(FileManager.default.fileExists(atPath: root + "/" + file), "annotation file \(file) is not in the checkout")
            #expect(Int(properties["line"] ?? "") != nil)
            files.append(file)
        }
        #expect(files == ["Sources/lockprof/Demo/BankAccount.swift", "Sources/lockprof/Demo/BankAccount.swift"])
        #expect(result.outputLines.last == "lockprof check: 1 of 1 lock failed the check.")
    }

    @Test func junitOutputParsesBackWithOneFailingTestCase() throws {
        let output = try temporaryDirectory().appendingPathComponent("lockprof.xml").path
        let result = try CommandRunner.run(["check", traces.contended, "--format", "junit", "--output", output, "--max-p99-wait", "1ms"])
        #expect(result.status == 1)
        #expect(result.standardOutput == "")
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: output))
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["demo.account"])
        let failure = try #require(try document.nodes(forXPath: "//testcase/failure").first as? XMLElement)
        let message = try #require(failure.attribute(forName: "message")?.stringValue)
        #expect(message.contains("% of runtime > 10%; p99 wait "))
        #expect(failure.attribute(forName: "type")?.stringValue == "wait_fraction,p99_wait")
        #expect(failure.stringValue?.contains("FLAG  demo.account  mutex") == true)
        #expect(failure.stringValue?.contains("BankAccount.withdraw") == true)
    }

    @Test func jsonOutputListsEveryLockWithItsStatus() throws {
        let result = try CommandRunner.run(["check", traces.quiet, "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == true)
        let locks = try #require(object["locks"] as? [[String: Any]])
        #expect(locks.map { $0["name"] as? String } == ["demo.solo"])
        #expect(locks.first?["status"] as? String == "pass")
    }

    @Test func configFileOverridesAndIgnores() throws {
        let directory = try temporaryDirectory()
        let config = directory.appendingPathComponent("lockprof.json")
        /// The failure kinds of demo.account under `json`.
        func failureKinds(_ json: String) throws -> [String] {
            try Data(json.utf8).write(to: config)
            let result = try CommandRunner.run(["check", traces.contended, "--config", config.path, "--format", "json"])
            #expect(result.status == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            let lock = try #require((object["locks"] as? [[String: Any]])?.first)
            #expect(lock["name"] as? String == "demo.account")
            return ((lock["failures"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
        }
        // A lenient p99 limit for all, a strict one for the locks the override matches.
        let matching = try failureKinds(#"{"maxP99Wait": "10s", "locks": [{"match": "demo.acc*", "maxP99Wait": "1us"}]}"#)
        #expect(matching == ["wait_fraction", "p99_wait"])
        let other = try failureKinds(#"{"maxP99Wait": "10s", "locks": [{"match": "cache.*", "maxP99Wait": "1us"}]}"#)
        #expect(other == ["wait_fraction"])
        try Data(#"{"ignore": ["demo.*"]}"#.utf8).write(to: config)
        let ignored = try CommandRunner.run(["check", traces.contended, "--config", config.path])
        #expect(ignored.status == 0)
        #expect(ignored.outputLines == ["OK 0 of 1 lock failed the check (1 ignored)."])
    }

    @Test func unreadableConfigOrBaselineExitsTwoWithOneLine() throws {
        let missing = try CommandRunner.run(["check", traces.quiet, "--config", "/nonexistent/lockprof.json"])
        #expect(missing.status == 2)
        #expect(missing.errorLines == ["lockprof: error: /nonexistent/lockprof.json: cannot open: No such file or directory"])
        let path = try temporaryDirectory().appendingPathComponent("lockprof.json")
        try Data(#"{"maxWaitFraction": "abc"}"#.utf8).write(to: path)
        let bad = try CommandRunner.run(["check", traces.quiet, "--config", path.path])
        #expect(bad.status == 2)
        #expect(bad.errorLines == ["lockprof: error: \(path.path): maxWaitFraction 'abc' is not a number: write a percentage like 10% or a fraction like 0.1."])
        try Data("not json".utf8).write(to: path)
        let notBaseline = try CommandRunner.run(["check", traces.quiet, "--baseline", path.path])
        #expect(notBaseline.status == 2)
        #expect(notBaseline.errorLines.count == 1)
        #expect(notBaseline.errorLines.first?.hasPrefix("lockprof: error: \(path.path): neither a trace nor a JSON report") == true)
    }

    @Test func unwritableOutputExitsTwo() throws {
        let result = try CommandRunner.run(["check", traces.quiet, "--format", "junit", "--output", "/nonexistent/dir/out.xml"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: cannot write /nonexistent/dir/out.xml: No such file or directory"])
    }

    @Test func badDurationFlagIsAUsageError() throws {
        let result = try CommandRunner.run(["check", traces.quiet, "--max-p99-wait", "soon"])
        #expect(result.status == 64)
        #expect(result.errorLines.first?.contains("--max-p99-wait 'soon' is not a duration") == true)
    }
}

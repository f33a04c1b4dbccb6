import Foundation
import Testing

@Suite struct DemoCommandTests {
    @Test func demoFlagsTheHotCounterAndTheAccountAndNothingElse() throws {
        let trace = try temporaryDirectory().appendingPathComponent("demo.trace").path
        let result = try CommandRunner.run(["demo", "--output", trace, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let locks = try #require(top["locks"] as? [[String: Any]])
        let flagged = Set(locks.filter { $0["flagged"] as? Bool == true }.compactMap { $0["name"] as? String })
        #expect(flagged == ["demo.hot-counter", "demo.account"])
        let names = Set(locks.compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: (0..<8).map { "demo.shard-\($0)" } + (0..<16).map { "demo.stripe-\($0)" }))
        #expect(names.contains("demo.account-fixed"))
        // The lock family's scenarios run too; only the order-inversion pair is reported, as an inversion.
        #expect(names.isSuperset(of: ["demo.cache", "demo.queue", "demo.queue-ready", "demo.registry", "demo.order-a"]))
        #expect((top["inversions"] as? [[String: Any]])?.map { $0["locks"] as? [String] } == [["demo.order-a", "demo.order-b"]])
        #expect(FileManager.default.fileExists(atPath: trace))
    }

    @Test func demoOutputThatCannotBeWrittenIsOneLine() throws {
        let result = try CommandRunner.run(["demo", "--output", "/nonexistent/dir/demo.trace"])
        #expect(result.status == 2)
        #expect(result.errorLines == ["lockprof: error: /nonexistent/dir/demo.trace: cannot open: No such file or directory"])
        #expect(result.standardOutput == "")
    }
}

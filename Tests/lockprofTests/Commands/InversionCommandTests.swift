import Foundation
import Testing

/// `lockprof demo --scenario order-inversion`, recorded once in a child process.
let inversionTrace: String = {
    do {
        let path = try temporaryDirectory().appendingPathComponent("inversion.trace").path
        let result = try CommandRunner.run(["demo", "--scenario", "order-inversion", "--output", path])
        precondition(result.status == 0, "lockprof demo --scenario order-inversion failed: \(result.standardError)")
        return path
    } catch {
        fatalError("could not record the inversion trace: \(error)")
    }
}()

@Suite struct InversionCommandTests {
    @Test func theReportNamesTheInversionWithBothTransferSites() throws {
        let result = try CommandRunner.run(["report", inversionTrace, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let inversions = try #require(top["inversions"] as? [[String: Any]])
        #expect(inversions.count == 1)
        #expect(inversions.first?["locks"] as? [String] == ["demo.order-a", "demo.order-b"])
        let edges = try #require(inversions.first?["edges"] as? [[String: Any]])
        let functions = edges.map { edge in
            ((edge["stack"] as? [[String: Any]]) ?? []).compactMap { $0["function"] as? String }.joined(separator: " | ")
        }
        #expect(functions.count == 2)
        #expect(functions.first?.contains("transferAToB") == true, "\(functions)")
        #expect(functions.last?.contains("transferBToA") == true, "\(functions)")
        let locks = try #require(top["locks"] as? [[String: Any]])
        #expect(locks.filter { $0["flagged"] as? Bool == true }.isEmpty)
    }

    @Test func checkFailsOnTheInversionUnlessAllowed() throws {
        let strict = try CommandRunner.run(["check", inversionTrace])
        #expect(strict.status == 1)
        #expect(strict.outputLines == ["FAIL lock-order inversion: demo.order-a → demo.order-b → demo.order-a"])
        let allowed = try CommandRunner.run(["check", inversionTrace, "--allow-inversions"])
        #expect(allowed.status == 0)
        #expect(allowed.outputLines == ["OK 0 of 2 locks exceed 10% of runtime."])
    }

    @Test func theTextReportListsTheInversionBeforeTheVerdict() throws {
        let result = try CommandRunner.run(["report", inversionTrace])
        #expect(result.status == 0)
        #expect(result.outputLines.contains("1 lock-order inversion (locks taken in opposite orders can deadlock):"))
        #expect(result.outputLines.contains("  demo.order-a → demo.order-b → demo.order-a"))
        #expect(result.outputLines.last == "0 of 2 locks exceed 10% of runtime.")
    }
}

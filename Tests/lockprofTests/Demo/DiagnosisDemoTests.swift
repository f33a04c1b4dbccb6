import Foundation
import Testing

/// The diagnosis of the demo's workloads, recorded with real threads in a child process.
@Suite struct DiagnosisDemoTests {
    /// The JSON report of `lockprof demo --scenario scenario`.
    func demoReport(_ scenario: String) throws -> [String: [String: Any]] {
        let trace = try temporaryDirectory().appendingPathComponent("\(scenario).trace").path
        let result = try CommandRunner.run(["demo", "--output", trace, "--format", "json", "--scenario", scenario])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(top["schema"] as? Int == 2)
        let locks = try #require(top["locks"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: locks.compactMap { lock in (lock["name"] as? String).map { ($0, lock) } })
    }

    @Test func sleepingUnderTheAccountLockIsBlockingUnderLockInWithdraw() throws {
        let account = try #require(try demoReport("bank-account")["demo.account"])
        #expect(account["flagged"] as? Bool == true)
        let diagnosis = try #require(account["diagnosis"] as? [String: Any])
        // The holder sleeps (its simulated I/O) under the lock: off the CPU, as its CPU clock says.
        #expect(diagnosis["pattern"] as? String == "blocking-under-lock")
        #expect((diagnosis["holder_frame"] as? String)?.hasPrefix("BankAccount.withdraw") == true)
        let evidence = try #require(diagnosis["evidence"] as? [String])
        #expect(evidence.contains("holds ≥ 100 µs"))
        #expect(evidence.contains("holder on CPU < 50%"))
        let onCPU = try #require(account["holder_on_cpu"] as? Double)
        #expect(onCPU < 0.3)
        #expect(diagnosis["holder_on_cpu"] as? Double == onCPU)
    }

    @Test func theSemaphorePoolHasItsPermitsSaturated() throws {
        let pool = try #require(try demoReport("semaphore-pool")["demo.pool"])
        #expect(pool["flagged"] as? Bool == true)
        let diagnosis = try #require(pool["diagnosis"] as? [String: Any])
        #expect(diagnosis["pattern"] as? String == "saturated-permits")
        #expect((diagnosis["advice"] as? String)?.contains("permits") == true)
    }

    @Test func locksNotFlaggedHaveNoDiagnosis() throws {
        let solo = try #require(try demoReport("one-thread")["demo.solo"])
        #expect(solo["flagged"] as? Bool == false)
        #expect(solo["diagnosis"] is NSNull)
    }
}

import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct JSONReportRendererTests {
    func parsed(_ records: [TraceRecord]) throws -> [String: Any] {
        let json = JSONReportRenderer().render(ContentionAnalysis.report(records: records, path: "bank.trace"))
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func topLevelKeysComeInTheDocumentedOrder() {
        let json = JSONReportRenderer().render(ContentionAnalysis.report(records: accountRun))
        let keys = json.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == [
            "schema", "runtime_ns", "threshold", "dropped_events", "deadlocks", "stalls", "threads", "locks", "processes", "inversions",
            "complete", "notes", "verdict",
        ])
    }

    @Test func lockKeysAndValues() throws {
        let top = try parsed(accountRun)
        #expect(top["schema"] as? Int == 2)
        #expect(top["runtime_ns"] as? Int == 40_000_000)
        #expect(top["threshold"] as? Double == 0.1)
        #expect(top["complete"] as? Bool == true)
        #expect(top["verdict"] as? String == "1 of 1 lock exceeds 10% of runtime: account")
        let lock = try #require((top["locks"] as? [[String: Any]])?.first)
        #expect(lock["name"] as? String == "account")
        #expect(lock["kind"] as? String == "mutex")
        #expect(lock["acquisitions"] as? Int == 64)
        #expect(lock["contended"] as? Int == 4)
        #expect(lock["wait_ns"] as? Int == 10_000_000)
        #expect(lock["wait_max_ns"] as? Int == 4_000_000)
        // p50: rank 2 of 3 waits in [2^20, 2^21) → 2^20 × (1 + 2/3)
        #expect(lock["wait_p50_ns"] as? Int == 1_747_627)
        #expect(lock["wait_p99_ns"] as? Int == 4_000_000)
        // (4_050_000 + 61 × 1000) / 64
        #expect(lock["hold_ns"] as? Int == 64_234)
        #expect(lock["wait_fraction"] as? Double == 0.25)
        #expect(lock["flagged"] as? Bool == true)
        #expect(lock["failed_try_locks"] as? Int == 0)
        #expect(lock["timeouts"] as? Int == 0)
        #expect(lock["site"] as? String == "Bank/Bank.swift:1")
        #expect(lock["stacks_sampled"] as? Bool == true)
        let holder = try #require((lock["holder_stacks"] as? [[String: Any]])?.first)
        #expect(holder["weight_ns"] as? Int == 7_500_000)
        #expect(holder["count"] as? Int == 2)
        #expect(holder["releases"] as? Int == 2)
        #expect(holder["hold_ns"] as? Int == 2_000_000)
        let frames = try #require(holder["frames"] as? [[String: Any]])
        #expect(frames.count == 2)
        #expect(frames[0]["function"] as? String == "Bank.Account.withdraw(amount: Swift.Int) -> ()")
        #expect(frames[0]["file"] as? String == "/src/Bank/Account.swift")
        #expect(frames[0]["line"] as? Int == 40)
        #expect(frames[0]["module"] as? String == "bank-service")
    }

    @Test func unknownValuesAreNull() throws {
        let top = try parsed([
            processRecord(), bankModule, lockRecord(1, "account"), stack(1, [0xabc]),
            contention(lock: 1, wait: 5, waiter: 1, holder: 1),
        ])
        #expect(top["complete"] as? Bool == false)
        let lock = try #require((top["locks"] as? [[String: Any]])?.first)
        #expect(lock["acquisitions"] is NSNull)
        #expect(lock["hold_ns"] is NSNull)
        #expect(lock["counters_exact"] as? Bool == false)
        let frame = try #require(((lock["waiter_stacks"] as? [[String: Any]])?.first?["frames"] as? [[String: Any]])?.first)
        #expect(frame["function"] as? String == "0xabc")
        #expect(frame["file"] is NSNull)
        #expect(frame["line"] is NSNull)
        #expect(frame["module"] as? String == "bank-service")
        #expect((top["notes"] as? [String])?.count == 2)
    }

    @Test func threadsCarryTheirSystemIdAndProcess() throws {
        let top = try parsed([
            processRecord(pid: 31), .thread(ThreadRecord(threadID: 1, systemThreadID: 3101, name: "teller \"1\"")),
            end(after: second),
        ])
        let thread = try #require((top["threads"] as? [[String: Any]])?.first)
        #expect(thread["id"] as? Int == 1)
        #expect(thread["system_thread_id"] as? Int == 3101)
        #expect(thread["name"] as? String == "teller \"1\"")
        #expect(thread["process"] as? Int == 31)
    }

    @Test func renderingIsDeterministic() {
        let report = ContentionAnalysis.report(records: hotAndShardedRun)
        #expect(JSONReportRenderer().render(report) == JSONReportRenderer().render(report))
    }
}

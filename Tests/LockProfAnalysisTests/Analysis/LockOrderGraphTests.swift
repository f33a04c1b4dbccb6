import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct LockOrderGraphTests {
    func order(_ held: UInt32, _ acquired: UInt32, thread: UInt32 = 1, stack: UInt32 = 0) -> TraceRecord {
        .lockOrder(LockOrderRecord(heldLockID: held, acquiredLockID: acquired, threadID: thread, stackID: stack))
    }

    /// a → b at `transferAToB`, b → a at `transferBToA`, on two threads.
    var inversionRun: [TraceRecord] {
        [
            processRecord(), bankModule, lockRecord(1, "a"), lockRecord(2, "b"),
            stack(10, [0x100, 0x200]), stack(11, [0x300, 0x200]),
            symbol(0x100, "Bank.transferAToB()", line: 12), symbol(0x300, "Bank.transferBToA()", line: 20),
            symbol(0x200, "main", line: 3),
            order(1, 2, thread: 1, stack: 10), order(2, 1, thread: 2, stack: 11),
            counters(1, acquisitions: 4), counters(2, acquisitions: 4), end(after: 10 * millisecond),
        ]
    }

    @Test func oppositeOrdersOnTwoThreadsAreOneInversionNamingBothSites() throws {
        let report = ContentionAnalysis.report(records: inversionRun)
        #expect(report.inversions.count == 1)
        let inversion = try #require(report.inversions.first)
        #expect(inversion.locks == ["a", "b"])
        #expect(inversion.description == "a → b → a")
        #expect(inversion.edges.map(\.held) == ["a", "b"])
        #expect(inversion.edges.map(\.acquired) == ["b", "a"])
        #expect(inversion.edges.map(\.threadID) == [1, 2])
        #expect(inversion.edges[0].stack.first?.function == "Bank.transferAToB()")
        #expect(inversion.edges[1].stack.first?.function == "Bank.transferBToA()")
        #expect(inversion.edges.allSatisfy { $0.process == 4242 })
    }

    @Test func threeLocksAlwaysTakenInTheSameOrderHaveNoInversion() {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "a"), lockRecord(2, "b"), lockRecord(3, "c"),
            order(1, 2), order(2, 3), order(1, 3, thread: 2), end(after: millisecond),
        ]
        #expect(ContentionAnalysis.report(records: records).inversions.isEmpty)
    }

    @Test func aCycleThroughThreeLocksIsFoundOnceInItsOrder() throws {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "c"), lockRecord(2, "a"), lockRecord(3, "b"),
            order(2, 3), order(3, 1), order(1, 2), end(after: millisecond),
        ]
        let inversions = ContentionAnalysis.report(records: records).inversions
        #expect(inversions.map(\.locks) == [["a", "b", "c"]])
        #expect(inversions.first?.edges.map { "\($0.held)>\($0.acquired)" } == ["a>b", "b>c", "c>a"])
    }

    @Test func everyChordlessCycleIsReportedAndEachOnlyOnce() {
        // a ↔ b, b ↔ c, c → d → e → c and a → b → c → a. The last has a chord (b → a makes
        // a ↔ b with part of it), so it is not listed; the other three are.
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "a"), lockRecord(2, "b"), lockRecord(3, "c"), lockRecord(4, "d"),
            lockRecord(5, "e"), order(1, 2), order(2, 1), order(2, 3), order(3, 2), order(3, 1), order(3, 4), order(4, 5),
            order(5, 3), end(after: millisecond),
        ]
        let cycles = ContentionAnalysis.report(records: records).inversions.map(\.locks)
        #expect(cycles == [["a", "b"], ["b", "c"], ["c", "d", "e"]])
    }

    /// The shape of a sharded snapshot: n locks always taken in index order, then one path that
    /// takes the last shard and then an earlier one. Elementary cycles: 2^(31 − 20) of them
    /// through shard 20 … 31; chordless: one. And the search stays small on 100 shards.
    @Test func locksTakenInIndexOrderPlusOneBackwardPairAreOneInversion() throws {
        func shards(_ count: UInt32, back: (UInt32, UInt32)?) -> [TraceRecord] {
            var records: [TraceRecord] = [processRecord()]
            for shard in 0..<count { records.append(lockRecord(shard + 1, String(format: "shard-%03d", shard))) }
            for held in 0..<count {
                for acquired in (held + 1)..<count { records.append(order(held + 1, acquired + 1)) }
            }
            if let (held, acquired) = back { records.append(order(held + 1, acquired + 1, thread: 2)) }
            return records + [end(after: millisecond)]
        }
        let report = ContentionAnalysis.report(records: shards(32, back: (31, 20)))
        #expect(report.inversions.map(\.locks) == [["shard-020", "shard-031"]])
        #expect(report.inversions.first?.edges.map(\.threadID) == [1, 2])
        #expect(!report.notes.contains(.tooManyInversions(shown: 1)))
        #expect(ContentionAnalysis.report(records: shards(32, back: nil)).inversions.isEmpty)
        #expect(ContentionAnalysis.report(records: shards(100, back: (99, 0))).inversions.map(\.locks) == [["shard-000", "shard-099"]])
    }

    @Test func oppositeOrdersInTwoProcessesOfTheSameProgramAreAnInversion() throws {
        var first = ProcessTrace(files: ["one.trace"])
        for record in [processRecord(pid: 1), lockRecord(1, "a"), lockRecord(2, "b"), order(1, 2), end(after: millisecond)] {
            first.add(record)
        }
        var second = ProcessTrace(files: ["two.trace"])
        // The other process numbered the same locks differently.
        for record in [processRecord(pid: 2), lockRecord(7, "b"), lockRecord(8, "a"), order(7, 8), end(after: millisecond)] {
            second.add(record)
        }
        let report = ContentionAnalysis.report(processes: [first, second])
        #expect(report.inversions.map(\.locks) == [["a", "b"]])
        #expect(report.inversions.first?.edges.map(\.process) == [1, 2])
    }

    @Test func nestingTwoLocksOfTheSameNameIsNotAnInversion() {
        let records: [TraceRecord] = [
            processRecord(), lockRecord(1, "account"), lockRecord(2, "account"), order(1, 2), order(2, 1),
            end(after: millisecond),
        ]
        #expect(ContentionAnalysis.report(records: records).inversions.isEmpty)
    }

    @Test func theJSONListsEachInversionWithItsEdgesAndStacks() throws {
        let json = JSONReportRenderer().render(ContentionAnalysis.report(records: inversionRun))
        let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let inversions = try #require(top["inversions"] as? [[String: Any]])
        #expect(inversions.count == 1)
        #expect(inversions.first?["locks"] as? [String] == ["a", "b"])
        let edges = try #require(inversions.first?["edges"] as? [[String: Any]])
        #expect(edges.map { $0["held"] as? String } == ["a", "b"])
        #expect(edges.map { $0["acquired"] as? String } == ["b", "a"])
        let firstStack = try #require(edges.first?["stack"] as? [[String: Any]])
        #expect(firstStack.first?["function"] as? String == "Bank.transferAToB()")
        #expect(firstStack.first?["line"] as? Int == 12)
    }

    @Test func theTextReportShowsTheCycleAndBothSitesBeforeTheVerdict() {
        let text = TextReportRenderer().render(ContentionAnalysis.report(records: inversionRun))
        let lines = text.split(separator: "\n").map(String.init)
        let heading = lines.firstIndex(of: "1 lock-order inversion (locks taken in opposite orders can deadlock):")
        #expect(heading != nil)
        #expect(lines.contains("  a → b → a"))
        #expect(lines.contains("    b taken while holding a (pid 4242, thread 1):"))
        #expect(lines.contains("        transferAToB() (Account.swift:12)"))
        #expect(lines.contains("    a taken while holding b (pid 4242, thread 2):"))
        #expect(lines.contains("        transferBToA() (Account.swift:20)"))
        #expect(lines.last == "0 of 2 locks exceed 10% of runtime.")
    }

    @Test func mergingTwoFilesOfOneProcessKeepsEachPairOnce() {
        var first = ProcessTrace(files: ["1.trace"])
        var second = ProcessTrace(files: ["2.trace"])
        for record in [processRecord(), order(1, 2, thread: 1, stack: 5)] { first.add(record) }
        for record in [processRecord(), order(1, 2, thread: 3, stack: 6), order(2, 3)] { second.add(record) }
        first.merge(second)
        #expect(first.lockOrders.map { "\($0.heldLockID)>\($0.acquiredLockID)@\($0.threadID)" } == ["1>2@1", "2>3@1"])
    }
}

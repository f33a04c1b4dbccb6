import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct TextReportRendererTests {
    @Test func verdictIsTheLastLine() throws {
        let text = TextReportRenderer().render(ContentionAnalysis.report(records: hotAndShardedRun))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        #expect(lines.dropLast().last == "1 of 9 locks exceeds 10% of runtime: hot-counter")
    }

    @Test func verdictNamesEveryFlaggedLockInOrderOfWait() {
        #expect(
            Verdict(lockCount: 7, flaggedLocks: ["hot-counter", "account"], threshold: 0.1).description
                == "2 of 7 locks exceed 10% of runtime: hot-counter, account")
        #expect(Verdict(lockCount: 5, flaggedLocks: [], threshold: 0.1).description == "0 of 5 locks exceed 10% of runtime.")
        #expect(Verdict(lockCount: 5, flaggedLocks: [], threshold: 0.125).description == "0 of 5 locks exceed 12.5% of runtime.")
    }

    @Test func tableShowsTheFlaggedLockFirstWithHumanUnits() throws {
        let text = TextReportRenderer().render(ContentionAnalysis.report(records: hotAndShardedRun))
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("FLAG") })
        #expect(lines[header] == "FLAG  LOCK         KIND   ACQUIRED     CONTENDED  TOTAL WAIT  WAIT %  MAX WAIT  P99 WAIT  MEAN HOLD")
        #expect(lines[header + 1] == "FLAG  hot-counter  mutex    800000  600000 75.0%      2.12 s  212.4%   9.00 ms   4.06 µs    1.75 µs")
        #expect(lines[header + 2] == "      shard-0      mutex    100000       3 <0.1%     9.00 µs    0.0%   4.00 µs   4.00 µs          -")
    }

    @Test func flaggedLockShowsHolderAndWaiterStacks() {
        let text = TextReportRenderer().render(ContentionAnalysis.report(records: accountRun))
        #expect(text.contains("""
            account: threads waited 10.0 ms in all, 25% of runtime (stacks sampled, weights scaled)
              diagnosis: long-hold: shorten the critical section: move computation and any blocking call (sleep, I/O) out of the lock
                evidence: 4 of 64 acquisitions waited (6.3%); mean wait 2.50 ms; mean hold 1.35 ms; holds ≥ 100 µs; holder CPU time not recorded
                held in: Account.withdraw(amount:) (Account.swift:40)
              holder stacks (holding the lock while others waited), by share of the wait:
                75.0%  7.50 ms  2 waits, mean hold 2.00 ms over 2 releases
                    Account.withdraw(amount:) (Account.swift:40)
                    Teller.run() (Teller.swift:12)
            """))
        #expect(text.contains("  waiter stacks (waiting for the lock), by share of the wait:\n    75.0%  7.50 ms  2 waits\n"))
    }

    @Test func notesComeBeforeTheVerdict() {
        let records: [TraceRecord] = [processRecord(), lockRecord(1, "a"), counters(1, acquisitions: 3)]
        let lines = TextReportRenderer().render(ContentionAnalysis.report(records: records, path: "cut.trace"))
            .split(separator: "\n").map(String.init)
        #expect(lines.suffix(2).first?.hasPrefix("note: cut.trace: trace is incomplete") == true)
        #expect(lines.last == "0 of 1 lock exceed 10% of runtime.")
    }

    @Test func durationsReadInHumanUnits() {
        #expect(ReportFormatting.duration(nanoseconds: 850) == "850 ns")
        #expect(ReportFormatting.duration(nanoseconds: 12_345) == "12.3 µs")
        #expect(ReportFormatting.duration(nanoseconds: 999_999) == "1.00 ms")
        #expect(ReportFormatting.duration(nanoseconds: 4_100_000) == "4.10 ms")
        #expect(ReportFormatting.duration(nanoseconds: 3_214_000_000) == "3.21 s")
        #expect(ReportFormatting.duration(nanoseconds: 125_000_000_000) == "125 s")
        #expect(ReportFormatting.percent(2.1243) == "212.4%")
        #expect(ReportFormatting.percent(0.1) == "10%")
    }

    @Test func longLockListsInNotesAreCut() {
        let names = (0..<9).map { "stripe-\($0)" }
        #expect(
            ReportNote.stacksSampled(locks: names).description
                == "not every wait had its stacks captured for stripe-0, stripe-1, stripe-2, stripe-3, stripe-4 and 4 more locks; "
                + "stack weights are scaled to the lock's total wait")
    }

    @Test func compilerGeneratedLocationsAreLeftOut() {
        #expect(FrameReport(function: "main", file: "<compiler-generated>", line: 0).shortDescription == "main")
        #expect(FrameReport(function: "main", file: "/<compiler-generated>").shortDescription == "main")
        #expect(FrameReport(function: "main", file: "Check.swift.o").shortDescription == "main")
    }
}

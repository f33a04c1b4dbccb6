import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct ProcessTraceMergeTests {
    @Test func filesOfTheSameProcessShareTheirIds() throws {
        var part1 = ProcessTrace(files: ["part-1"])
        for record in [
            processRecord(), bankModule, lockRecord(1, "account"), stack(1, [0x200]),
            contention(lock: 1, wait: 3 * millisecond, waiter: 1, holder: 1),
            counters(1, acquisitions: 100, contended: 1, wait: 3 * millisecond),
            .drops(DropRecord(threadID: 1, droppedEvents: 2)),
        ] {
            part1.add(record)
        }
        var part2 = ProcessTrace(files: ["part-2"])
        for record in [
            processRecord(), symbol(0x200, "Bank.Account.withdraw(amount: Swift.Int) -> ()"),
            contention(lock: 1, wait: 5 * millisecond, waiter: 1, holder: 1),
            counters(1, acquisitions: 250, contended: 2, wait: 8 * millisecond),
            .drops(DropRecord(threadID: 1, droppedEvents: 7)), end(after: second),
        ] {
            part2.add(record)
        }
        #expect(part1.isSameProcess(as: part2))
        let merged = ProcessTrace.mergingSameProcesses([part1, part2])
        #expect(merged.count == 1)
        #expect(merged[0].files == ["part-1", "part-2"])
        #expect(!merged[0].endedNormally)  // part-1 has no end record

        let report = ContentionAnalysis.report(processes: merged)
        let account = try #require(report.locks.first)
        #expect(report.locks.count == 1)
        #expect(account.acquisitions == 250)
        #expect(account.contendedAcquisitions == 2)
        #expect(account.waitNanoseconds == 8 * millisecond)
        #expect(account.holderStacks.map(\.count) == [2])
        #expect(account.holderStacks.first?.frames.first?.function == "Bank.Account.withdraw(amount: Swift.Int) -> ()")
        #expect(report.droppedEvents == 7)
    }

    @Test func differentStartsAreDifferentProcesses() {
        var first = ProcessTrace(files: ["a"])
        first.add(processRecord(pid: 9))
        var second = ProcessTrace(files: ["b"])
        second.add(processRecord(pid: 9, startWall: startWall + 1))
        #expect(!first.isSameProcess(as: second))
        #expect(ProcessTrace.mergingSameProcesses([first, second]).count == 2)
    }

    @Test func laterCountersWinWhicheverFileCameFirst() {
        let early = LockStatisticsRecord(lockID: 1, acquisitions: 10)
        let late = LockStatisticsRecord(lockID: 1, acquisitions: 20)
        var a = ProcessTrace(files: ["a"])
        a.add(processRecord())
        a.add(.lockStatistics(late))
        var b = ProcessTrace(files: ["b"])
        b.add(processRecord())
        b.add(.lockStatistics(early))
        #expect(ProcessTrace.mergingSameProcesses([a, b])[0].statistics[1] == late)
        #expect(ProcessTrace.mergingSameProcesses([b, a])[0].statistics[1] == late)
    }
}

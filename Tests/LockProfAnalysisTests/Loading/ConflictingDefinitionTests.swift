import LockProfAnalysis
import LockProfFormat
import Testing

/// Ids the writer defines once, defined again with other contents: a damaged or forged file.
@Suite struct ConflictingDefinitionTests {
    @Test func aLockIdDefinedTwiceKeepsTheFirstDefinitionAndSaysSo() {
        let report = ContentionAnalysis.report(records: [
            processRecord(), lockRecord(1, "ledger"), lockRecord(1, "impostor"), counters(1, acquisitions: 7),
            .end(EndRecord(timeNanoseconds: start + second)),
        ])
        #expect(report.locks.map(\.name) == ["ledger"])
        #expect(!report.isComplete)
        #expect(report.notes.map(\.description) == ["<memory>: lock 1 is defined twice with different contents; the first definition was kept"])
    }

    @Test func theSameDefinitionRepeatedIsHarmless() {
        let report = ContentionAnalysis.report(records: [
            processRecord(), lockRecord(1, "ledger"), lockRecord(1, "ledger"), counters(1, acquisitions: 7),
            .end(EndRecord(timeNanoseconds: start + second)),
        ])
        #expect(report.isComplete)
        #expect(report.notes.isEmpty)
    }

    @Test func threadsStacksAndModulesAreCheckedAndAFloodListsOnlyTheFirstFew() {
        var records: [TraceRecord] = [processRecord()]
        records.append(.thread(ThreadRecord(threadID: 1, systemThreadID: 10, name: "a")))
        records.append(.thread(ThreadRecord(threadID: 1, systemThreadID: 11, name: "b")))
        records.append(.module(ModuleRecord(moduleID: 1, path: "/a", baseAddress: 0)))
        records.append(.module(ModuleRecord(moduleID: 1, path: "/b", baseAddress: 0)))
        for copy in 0..<1000 {
            records.append(.stack(StackRecord(stackID: 1, frames: [Frame(moduleID: 1, offset: UInt64(copy))])))
        }
        let report = ContentionAnalysis.report(records: records)
        let conflicts = report.notes.map(\.description).filter { $0.contains("defined twice") }
        #expect(conflicts.count == 5)
        #expect(conflicts.prefix(3).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } == [
            "<memory>: thread 1", "<memory>: module 1", "<memory>: stack 1",
        ])
    }
}

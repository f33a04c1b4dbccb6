import Foundation
import LockProfFormat

/// One record of every kind, with values that exercise varints of every width.
let everyKindOfRecord: [TraceRecord] = [
    .process(
        ProcessRecord(
            pid: 4242, processName: "bank-service", startWallNanoseconds: 1_790_000_000_000_000_000,
            startNanoseconds: 5_000_000_000, clockSource: "tsc")),
    .thread(ThreadRecord(threadID: 1, systemThreadID: 4243, name: "worker-1")),
    .lock(LockRecord(lockID: 7, kind: .mutex, name: "account", site: "Bank/Account.swift:12")),
    .module(ModuleRecord(moduleID: 1, path: "/usr/bin/bank-service", baseAddress: 0x5555_5555_4000)),
    .stack(StackRecord(stackID: 3, frames: [Frame(moduleID: 1, offset: 0x1234), Frame(moduleID: 0, offset: .max)])),
    .symbol(SymbolRecord(frame: Frame(moduleID: 1, offset: 0x1234), function: "Bank.Account.withdraw(_:) -> ()", file: "/src/Account.swift", line: 40)),
    .symbol(SymbolRecord(frame: Frame(moduleID: 1, offset: 0x99), function: "main", file: nil, line: nil)),
    .contention(
        ContentionRecord(
            lockID: 7, threadID: 1, timeNanoseconds: 5_000_100_000, waitNanoseconds: 2_000_000,
            waiterStackID: 3, holderStackID: 0)),
    .contention(
        ContentionRecord(
            lockID: 7, threadID: 2, timeNanoseconds: 5_000_050_000, waitNanoseconds: 1, waiterStackID: 0,
            holderStackID: 3, timedOut: true)),
    .release(
        ReleaseRecord(
            lockID: 7, threadID: 2, timeNanoseconds: 5_000_200_000, holdNanoseconds: 2_100_000,
            holderStackID: 3, holdMeasuredFromAcquisition: false)),
    .lockStatistics(
        LockStatisticsRecord(
            lockID: 7, acquisitions: 800_000, contendedAcquisitions: 12, failedTryLocks: 3, timeouts: 1,
            waitNanoseconds: .max, maximumWaitNanoseconds: 2_000_000, waitHistogram: [0, 0, 5, 7],
            sampledHolds: 12_500, sampledHoldNanoseconds: 1_000_000, blockingHolds: 12,
            blockingHoldNanoseconds: 25_000_000)),
    .lockStatistics({
        var family = LockStatisticsRecord(lockID: 8, acquisitions: 40)
        family.reentries = 9
        family.sharedAcquisitions = 30
        family.sharedContendedAcquisitions = 2
        family.sharedWaitNanoseconds = 3_000
        family.conditionWaitNanoseconds = .max
        family.signals = 5
        family.broadcasts = 1
        return family
    }()),
    .lockOrder(LockOrderRecord(heldLockID: 7, acquiredLockID: 8, threadID: 1, stackID: 3)),
    .deadlock(
        DeadlockRecord(
            timeNanoseconds: 5_000_000_000,
            waiters: [
                .init(threadID: 1, waitsForLockID: 8, heldLockIDs: [7], waitNanoseconds: 1_200_000_000, stackID: 3),
                .init(threadID: 2, waitsForLockID: 7, heldLockIDs: [9, 8], waitNanoseconds: 1_100_000_000, stackID: 0),
            ])),
    .stall(
        StallRecord(
            timeNanoseconds: 5_050_000_000,
            waiter: .init(threadID: 3, waitsForLockID: 7, heldLockIDs: [8], waitNanoseconds: 10_000_000_001, stackID: 3))),
    .foldedLocks(FoldedLocksRecord(lockID: 7, foldedLocks: 300_000)),
    .drops(DropRecord(threadID: 1, droppedEvents: 17)),
    .checkpoint(CheckpointRecord(timeNanoseconds: 5_100_000_000)),
    .end(EndRecord(timeNanoseconds: 6_000_000_000)),
]

/// Encodes `chunks` (each a list of records) into the bytes of a complete trace file.
func traceBytes(_ chunks: [[TraceRecord]]) -> [UInt8] {
    var bytes = TraceFileLayout.fileHeader()
    var encoder = ChunkEncoder()
    for (sequence, records) in chunks.enumerated() {
        for record in records { encoder.append(record) }
        bytes += encoder.finishChunk(sequence: UInt64(sequence))
    }
    return bytes
}

/// Reads in-memory trace bytes back into records and the reader's summary.
func readBack(_ bytes: [UInt8]) throws -> (records: [TraceRecord], summary: TraceReadSummary) {
    var records: [TraceRecord] = []
    let summary = try TraceReader.read(bytes: bytes) { records.append($0) }
    return (records, summary)
}

/// A fresh path in a fresh temporary directory, removed by the caller's `defer`.
func temporaryTracePath(_ name: String = "trace.bin") -> (path: String, directory: URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-format-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return (directory.appendingPathComponent(name).path, directory)
}

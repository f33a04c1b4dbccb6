import Foundation
import LockProfAnalysis
import LockProfFormat

/// Monotonic start of the fixtures' process: every time below is relative to it.
let start: UInt64 = 5_000_000_000
/// Wall-clock start of the fixtures' process.
let startWall: UInt64 = 1_790_000_000_000_000_000
let millisecond: UInt64 = 1_000_000
let second: UInt64 = 1_000_000_000

/// The `process` record every fixture trace opens with.
func processRecord(pid: Int32 = 4242, startWall: UInt64 = startWall, start: UInt64 = start) -> TraceRecord {
    .process(
        ProcessRecord(
            pid: pid, processName: "bank-service", startWallNanoseconds: startWall, startNanoseconds: start,
            clockSource: "monotonic"))
}

func lockRecord(_ id: UInt32, _ name: String, kind: LockKind = .mutex) -> TraceRecord {
    .lock(LockRecord(lockID: id, kind: kind, name: name, site: "Bank/Bank.swift:\(id)"))
}

func counters(
    _ id: UInt32, acquisitions: UInt64, contended: UInt64 = 0, wait: UInt64 = 0, maximumWait: UInt64 = 0,
    histogram: [UInt64] = [], sampledHolds: UInt64 = 0, sampledHoldNanoseconds: UInt64 = 0, blockingHolds: UInt64 = 0,
    blockingHoldNanoseconds: UInt64 = 0, timeouts: UInt64 = 0, failedTryLocks: UInt64 = 0
) -> TraceRecord {
    .lockStatistics(
        LockStatisticsRecord(
            lockID: id, acquisitions: acquisitions, contendedAcquisitions: contended, failedTryLocks: failedTryLocks,
            timeouts: timeouts, waitNanoseconds: wait, maximumWaitNanoseconds: maximumWait, waitHistogram: histogram,
            sampledHolds: sampledHolds, sampledHoldNanoseconds: sampledHoldNanoseconds, blockingHolds: blockingHolds,
            blockingHoldNanoseconds: blockingHoldNanoseconds))
}

func contention(
    lock: UInt32, wait: UInt64, at time: UInt64 = start + 10 * millisecond, waiter: UInt32, holder: UInt32,
    thread: UInt32 = 1, timedOut: Bool = false
) -> TraceRecord {
    .contention(
        ContentionRecord(
            lockID: lock, threadID: thread, timeNanoseconds: time, waitNanoseconds: wait, waiterStackID: waiter,
            holderStackID: holder, timedOut: timedOut))
}

func release(lock: UInt32, hold: UInt64, holder: UInt32, at time: UInt64 = start + 10 * millisecond) -> TraceRecord {
    .release(
        ReleaseRecord(
            lockID: lock, threadID: 2, timeNanoseconds: time, holdNanoseconds: hold, holderStackID: holder,
            holdMeasuredFromAcquisition: true))
}

func end(after duration: UInt64, start: UInt64 = start) -> TraceRecord {
    .end(EndRecord(timeNanoseconds: start + duration))
}

/// The module every fixture frame lives in, and symbols for a withdraw call under the lock.
let bankModule = TraceRecord.module(ModuleRecord(moduleID: 1, path: "/srv/bin/bank-service", baseAddress: 0x40_0000))
let libcModule = TraceRecord.module(ModuleRecord(moduleID: 2, path: "/usr/lib/x86_64-linux-gnu/libc.so.6", baseAddress: 0x7f00_0000_0000))

func symbol(_ offset: UInt64, _ function: String, file: String? = "/src/Bank/Account.swift", line: UInt32? = 40, module: UInt32 = 1) -> TraceRecord {
    .symbol(SymbolRecord(frame: Frame(moduleID: module, offset: offset), function: function, file: file, line: line))
}

func stack(_ id: UInt32, _ offsets: [UInt64], module: UInt32 = 1) -> TraceRecord {
    .stack(StackRecord(stackID: id, frames: offsets.map { Frame(moduleID: module, offset: $0) }))
}

/// Encodes records into a trace file with the format's own writer, one chunk per inner array.
func writeTrace(_ chunks: [[TraceRecord]], name: String = "trace.lockprof") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-analysis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    let writer = try TraceWriter(path: path)
    for chunk in chunks {
        for record in chunk { try writer.append(record) }
        try writer.flush()
    }
    try writer.close()
    return path
}

/// The byte size of the file at `path`.
func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
}

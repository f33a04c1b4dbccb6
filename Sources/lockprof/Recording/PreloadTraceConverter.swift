import LockProf
import LockProfAnalysis
import LockProfFormat

/// Turns the raw log of a program recorded as it is (``PreloadLog``) into a normal trace, written
/// with ``TraceWriter`` (the one trace format), symbolizing its frames here, after the program
/// exited, against the files the log names.
///
/// What the library counted itself (acquisitions, re-entries, shared acquisitions, failed tries,
/// sampled holds, condition waits) goes into `lockStatistics` as it is; contended acquisitions,
/// waits, their histogram, timeouts and blocking holds are counted from the events, which the
/// library never drops. A contention's holder stack is the stack of the last release of that lock
/// by another thread that found waiters, at or before the wait ended: the holder it waited for.
/// The library's lock-order pairs become `lockOrder` records, except those that involve a lock
/// of the Swift runtime or one with no user frame (``LockNaming/isUnattributed(_:)``).
enum PreloadTraceConverter {
    /// What the conversion found: `lockCalls` 0 means the program made no pthread lock call the
    /// library saw.
    struct Summary {
        var lockCalls: UInt64
        var locks: Int
        var contentions: Int
        /// The program exited (`exit`, a return from `main`, `_exit`): the counts are in the log.
        var ended: Bool
    }

    /// The trace of `log` in memory, as ``convert(_:to:overwrite:)`` would write it: what
    /// `lockprof report` and the other readers read a raw log as (``TraceTranslation``).
    static func encode(_ log: PreloadLog) -> (bytes: [UInt8], summary: Summary) {
        var converter = Conversion(log: log)
        let trace = converter.trace()
        return (TraceWriter.encode(trace), converter.summary)
    }

    /// Writes the trace of `log` to `path` (replacing a file there only when `overwrite`).
    static func convert(_ log: PreloadLog, to path: String, overwrite: Bool) throws(TraceError) -> Summary {
        var converter = Conversion(log: log)
        let trace = converter.trace()
        let writer = try TraceWriter(path: path, overwrite: overwrite)
        try writer.keepTogether { () throws(TraceError) in
            for record in trace { try writer.append(record) }
        }
        try writer.close()
        return converter.summary
    }
}

/// One conversion's state: the trace-local ids handed out so far.
private struct Conversion {
    let log: PreloadLog
    var modules: [UInt32: ModuleRecord] = [:]
    var stackIDs: [[Frame]: UInt32] = [:]
    /// The trace's stack id of each of the log's event stacks (``PreloadLog/eventStacks``), once
    /// met: the events of a run share a few stacks, so each is resolved to frames once.
    var eventStackIDs: [UInt32?]
    var stackRecords: [TraceRecord] = []
    var threadIDs: [UInt32: UInt32] = [:]
    var summary = PreloadTraceConverter.Summary(lockCalls: 0, locks: 0, contentions: 0, ended: false)

    init(log: PreloadLog) {
        self.log = log
        eventStackIDs = Array(repeating: nil, count: log.eventStacks.count)
        for (index, module) in log.modules.enumerated() {
            let id = UInt32(index + 1)
            modules[id] = ModuleRecord(moduleID: id, path: module.path, baseAddress: module.baseAddress)
        }
    }

    /// The trace's frames of `addresses` (at most ``TraceLimits/maximumFrames``), each in the
    /// module that maps it.
    func frames(_ addresses: [UInt64]) -> [Frame] {
        var frames: [Frame] = []
        frames.reserveCapacity(min(addresses.count, TraceLimits.maximumFrames))
        for address in addresses.prefix(TraceLimits.maximumFrames) {
            if let index = log.modules.firstIndex(where: { $0.contains(address) }) {
                frames.append(Frame(moduleID: UInt32(index + 1), offset: address &- log.modules[index].baseAddress))
            } else {
                frames.append(Frame(moduleID: 0, offset: address))
            }
        }
        return frames
    }

    mutating func stackID(ofEventStack index: Int) -> UInt32 {
        if let known = eventStackIDs[index] { return known }
        let id = stackID(log.eventStacks[index])
        eventStackIDs[index] = id
        return id
    }

    mutating func stackID(_ addresses: [UInt64]) -> UInt32 {
        guard !addresses.isEmpty else { return 0 }
        let frames = frames(addresses)
        if let known = stackIDs[frames] { return known }
        let id = UInt32(stackIDs.count + 1)
        stackIDs[frames] = id
        stackRecords.append(.stack(StackRecord(stackID: id, frames: frames)))
        return id
    }

    mutating func threadID(_ systemThreadID: UInt32) -> UInt32 {
        if let known = threadIDs[systemThreadID] { return known }
        let id = UInt32(threadIDs.count + 1)
        threadIDs[systemThreadID] = id
        return id
    }

    mutating func trace() -> ConvertedTrace {
        let process = log.process ?? PreloadLog.Process(pid: 0, startNanoseconds: 0, startWallNanoseconds: 0, name: "", executablePath: "")
        // Events, in time order (a release before a contention of the same time); each contention
        // blamed on the release that ended its wait.
        let contentions = log.contentions.sorted { $0.timeNanoseconds < $1.timeNanoseconds }
        let releases = log.releases.sorted { $0.timeNanoseconds < $1.timeNanoseconds }
        var releaseRecords: [ReleaseRecord] = []
        releaseRecords.reserveCapacity(releases.count)
        var counters: [UInt32: LockCounters] = [:]
        for release in releases {
            let stack = stackID(ofEventStack: release.stack)
            counters[release.lockID, default: LockCounters()].blockingHolds += 1
            counters[release.lockID, default: LockCounters()].blockingHoldNanoseconds += release.durationNanoseconds
            releaseRecords.append(
                ReleaseRecord(
                    lockID: release.lockID, threadID: threadID(release.threadID), timeNanoseconds: release.timeNanoseconds,
                    holdNanoseconds: release.durationNanoseconds, holderStackID: stack,
                    holdMeasuredFromAcquisition: release.flags & 1 != 0))
        }
        var events: [ConvertedTrace.Event] = []
        events.reserveCapacity(releases.count + contentions.count)
        var latestReleases = LatestReleases()
        var releasesPassed = 0
        for contention in contentions {
            while releasesPassed < releaseRecords.count
                && releaseRecords[releasesPassed].timeNanoseconds <= contention.timeNanoseconds
            {
                latestReleases.pass(releaseRecords[releasesPassed])
                events.append(.release(releaseRecords[releasesPassed]))
                releasesPassed += 1
            }
            let waiterStack = stackID(ofEventStack: contention.stack)
            let waiter = threadID(contention.threadID)
            let holder = latestReleases.holder(ofLock: contention.lockID, waitedForBy: waiter)
            let timedOut = contention.flags & 1 != 0
            let shared = contention.flags & 2 != 0
            let wait = contention.durationNanoseconds
            var lock = counters[contention.lockID, default: LockCounters()]
            if timedOut { lock.timeouts += 1 } else { lock.contendedAcquisitions += 1 }
            lock.waitNanoseconds += wait
            lock.maximumWaitNanoseconds = max(lock.maximumWaitNanoseconds, wait)
            let bucket = wait <= 1 ? 0 : 63 - wait.leadingZeroBitCount
            if lock.waitHistogram.count <= bucket { lock.waitHistogram += Array(repeating: 0, count: bucket + 1 - lock.waitHistogram.count) }
            lock.waitHistogram[bucket] += 1
            if shared && !timedOut { lock.sharedContendedAcquisitions += 1 }
            if shared { lock.sharedWaitNanoseconds += wait }
            counters[contention.lockID] = lock
            events.append(
                .contention(ContentionRecord(
                    lockID: contention.lockID, threadID: waiter, timeNanoseconds: contention.timeNanoseconds,
                    waitNanoseconds: wait, waiterStackID: waiterStack, holderStackID: holder?.holderStackID ?? 0,
                    timedOut: timedOut)))
        }
        events += releaseRecords[releasesPassed...].map { .release($0) }
        summary.contentions = contentions.count
        summary.ended = log.endNanoseconds != nil

        // Locks: the library's own counts, then the events' (above).
        var lockRecords: [TraceRecord] = []
        var statistics: [TraceRecord] = []
        for lock in log.locks.values.sorted(by: { $0.id < $1.id }) {
            let kind = LockKind(rawValue: lock.kind) ?? .mutex
            _ = stackID(log.stacks[lock.creationStackID] ?? [])  // symbolized below, for the name
            lockRecords.append(.lock(LockRecord(lockID: lock.id, kind: kind, name: "", site: "")))
            // A process that did not exit wrote no counts: no counters record, so the report takes
            // its waits from the events and shows its acquisitions as unknown, not as 0.
            guard summary.ended || log.statistics[lock.id] != nil else { continue }
            var values = counters[lock.id] ?? LockCounters()
            if let counted = log.statistics[lock.id] {
                values.acquisitions = counted.acquisitions
                values.failedTryLocks = counted.failedTryLocks
                values.sampledHolds = counted.sampledHolds
                values.sampledHoldNanoseconds = counted.sampledHoldNanoseconds
                values.cpuMeasuredHoldNanoseconds = counted.cpuMeasuredHoldNanoseconds
                values.holderCPUNanoseconds = counted.holderCPUNanoseconds
                switch kind {
                case .recursive: values.reentries = counted.secondary
                case .rwlock: values.sharedAcquisitions = counted.secondary
                case .condition:
                    values.conditionWaitNanoseconds = counted.conditionWaitNanoseconds
                    values.timeouts += counted.conditionTimeouts
                    values.signals = counted.signals
                    values.broadcasts = counted.broadcasts
                default: break
                }
                summary.lockCalls += counted.acquisitions + counted.secondary + counted.failedTryLocks
            }
            statistics.append(.lockStatistics(LockStatisticsRecord(lockID: lock.id, counters: values)))
        }
        summary.locks = lockRecords.count
        summary.lockCalls += UInt64(log.contentions.count)

        // Lock order: each pair the library met once, with the stack that first took it so.
        let orders = log.lockOrders.map { order in
            LockOrderRecord(
                heldLockID: order.heldLockID, acquiredLockID: order.acquiredLockID, threadID: threadID(order.threadID),
                stackID: stackID(order.frames))
        }

        // Symbols for every frame met, resolved here against the files the program mapped.
        let frames = Set(stackIDs.keys.joined())
        let symbolRecords = SessionSymbolizer.symbolize(frames: Array(frames), modules: modules, inThisProcess: false)
        let symbols = Dictionary(symbolRecords.map { ($0.frame, $0) }, uniquingKeysWith: { first, _ in first })
        let moduleNames = modules.mapValues { $0.path.split(separator: "/").last.map(String.init) ?? $0.path }
        func report(_ frame: Frame) -> FrameReport {
            let module = moduleNames[frame.moduleID]
            guard let symbol = symbols[frame] else { return FrameReport(function: "0x" + String(frame.offset, radix: 16), module: module) }
            return FrameReport(function: symbol.function, file: symbol.file, line: symbol.line, module: module)
        }
        let framesOfStack = Dictionary(stackIDs.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        lockRecords = lockRecords.map { record in
            guard case .lock(var lock) = record, let raw = log.locks[lock.lockID] else { return record }
            let primitive: String = switch lock.kind {
            case .rwlock: "pthread_rwlock_t"
            case .condition: "pthread_cond_t"
            default: "pthread_mutex_t"
            }
            let creation = log.stacks[raw.creationStackID].map { frames in framesOfStack[stackIDsLookup(frames)] ?? [] } ?? []
            let named = LockNaming.name(creationStack: creation.map(report), primitive: primitive)
            lock.name = named.name
            lock.site = named.site
            return .lock(lock)
        }

        var leading: [TraceRecord] = [
            .process(ProcessRecord(
                pid: process.pid, processName: process.name, startWallNanoseconds: process.startWallNanoseconds,
                startNanoseconds: process.startNanoseconds, clockSource: "monotonic"))
        ]
        leading += modules.values.sorted { $0.moduleID < $1.moduleID }.map { .module($0) }
        leading += threadIDs.sorted { $0.value < $1.value }.map { system, id in
            .thread(ThreadRecord(threadID: id, systemThreadID: UInt64(system), name: log.threads[system] ?? ""))
        }
        leading += lockRecords
        leading += stackRecords
        var names: [UInt32: String] = [:]
        for case .lock(let lock) in lockRecords { names[lock.lockID] = lock.name }
        leading += orders.filter { order in
            [order.heldLockID, order.acquiredLockID].allSatisfy { id in
                names[id].map { !LockNaming.isUnattributed($0) } ?? false
            }
        }.map { .lockOrder($0) }
        var trailing = statistics + symbolRecords.map { .symbol($0) }
        let lastEvent = events.last.map { event in
            switch event {
            case .release(let release): release.timeNanoseconds
            case .contention(let contention): contention.timeNanoseconds
            }
        }
        let last = max(lastEvent ?? process.startNanoseconds, process.startNanoseconds)
        if let end = log.endNanoseconds { trailing.append(.end(EndRecord(timeNanoseconds: max(end, last)))) }
        else { trailing.append(.checkpoint(CheckpointRecord(timeNanoseconds: last))) }
        return ConvertedTrace(leading: leading, events: events, trailing: trailing)
    }

    func stackIDsLookup(_ addresses: [UInt64]) -> UInt32 {
        stackIDs[frames(addresses)] ?? 0
    }
}

import LockProfFormat

/// Builds the report of one lock from its process's trace: counters, percentiles, hold estimate,
/// the holder's share on the CPU, wait fraction, flag and stacks.
package enum LockStatistics {
    /// The report of lock `lockID` of `trace`.
    ///
    /// Counters come from the lock's latest `lockStatistics` record. When there is none (the
    /// program stopped before the first flush), contended count, wait and histogram are rebuilt
    /// from the lock's contention events and acquisitions are unknown.
    package static func report(
        lockID: UInt32, in trace: ProcessTrace, runtimeNanoseconds: UInt64, threshold: Double, symbolizer: Symbolizer
    ) -> LockReport {
        let record = trace.locks[lockID]
        let events = trace.events[lockID] ?? LockEventTally()
        let counters = trace.statistics[lockID]
        let wait = waitNanoseconds(counters: counters, events: events)
        let maximumWait = counters?.maximumWaitNanoseconds ?? events.maximumWaitNanoseconds
        let histogram = counters?.waitHistogram ?? events.waitHistogram
        let contended = counters?.contendedAcquisitions ?? events.contendedAcquisitions
        let timeouts = counters?.timeouts ?? events.timeouts
        let fraction = waitFraction(waitNanoseconds: wait, runtimeNanoseconds: runtimeNanoseconds)

        let waiterStacks = StackAttribution.weigh(events.waiterStacks, totalWaitNanoseconds: wait).map {
            StackReport(
                stackID: $0.stackID, weightNanoseconds: $0.weightNanoseconds, count: $0.count, share: $0.share,
                frames: symbolizer.frames(ofStack: $0.stackID))
        }
        var holderStacks = StackAttribution.weigh(events.holderStacks, totalWaitNanoseconds: wait).map {
            StackReport(
                stackID: $0.stackID, weightNanoseconds: $0.weightNanoseconds, count: $0.count, share: $0.share,
                frames: symbolizer.frames(ofStack: $0.stackID))
        }
        for index in holderStacks.indices {
            guard let holds = events.releases[holderStacks[index].stackID], holds.count > 0 else { continue }
            holderStacks[index].releases = holds.count
            holderStacks[index].meanHoldNanoseconds = holds.holdNanoseconds / holds.count
        }
        // Stacks that released to waiters but never appear as an event's holder stack still say
        // how long they held the lock.
        let shown = Set(holderStacks.map(\.stackID))
        for (stackID, holds) in events.releases.sorted(by: { $0.key < $1.key })
        where stackID != 0 && holds.count > 0 && !shown.contains(stackID) {
            holderStacks.append(
                StackReport(
                    stackID: stackID, weightNanoseconds: 0, count: 0, share: 0,
                    frames: symbolizer.frames(ofStack: stackID), releases: holds.count,
                    meanHoldNanoseconds: holds.holdNanoseconds / holds.count))
        }

        var report = LockReport(
            process: trace.pid, lockID: lockID, name: name(of: lockID, in: trace), kind: record?.kind ?? .mutex,
            site: record?.site ?? "",
            acquisitions: counters?.acquisitions, contendedAcquisitions: contended, countersExact: counters != nil,
            failedTryLocks: counters?.failedTryLocks ?? 0, timeouts: timeouts,
            waitNanoseconds: wait, maximumWaitNanoseconds: maximumWait,
            waitP50Nanoseconds: WaitHistogram.percentile(0.5, of: histogram, maximumNanoseconds: maximumWait),
            waitP99Nanoseconds: WaitHistogram.percentile(0.99, of: histogram, maximumNanoseconds: maximumWait),
            estimatedMeanHoldNanoseconds: counters.flatMap {
                // Only exclusive holds are timed: a reader-writer lock's estimate is its writers'.
                HoldEstimate.meanNanoseconds(
                    acquisitions: $0.acquisitions &- $0.sharedAcquisitions, blockingHolds: $0.blockingHolds,
                    blockingHoldNanoseconds: $0.blockingHoldNanoseconds, sampledHolds: $0.sampledHolds,
                    sampledHoldNanoseconds: $0.sampledHoldNanoseconds)
            },
            runtimeNanoseconds: runtimeNanoseconds, waitFraction: fraction, isFlagged: fraction > threshold,
            holderStacks: StackMerging.merge(holderStacks), waiterStacks: StackMerging.merge(waiterStacks),
            stacksSampled: stacksSampled(counters: counters, events: events, waitNanoseconds: wait))
        report.waitHistogram = histogram
        let pool = PoolBlocking.tally(events.waiterStacks, waitNanoseconds: wait, onPool: symbolizer.ranOnConcurrencyPool(stack:))
        report.poolBlockedNanoseconds = pool.waitNanoseconds
        report.poolBlockedWaits = pool.count
        addKindStatistics(to: &report, counters: counters)
        report.holderOnCPU = counters.flatMap {
            HolderOnCPU.share(cpuNanoseconds: $0.holderCPUNanoseconds, holdNanoseconds: $0.cpuMeasuredHoldNanoseconds)
        }
        return report
    }

    /// Calls `body` once for every lock `trace` knows of (defined, counted or waited for), in no
    /// particular order, with its record, counters and events when it has them: one hash look-up
    /// per table and lock, none for the counters and events when every one belongs to a defined lock.
    package static func forEachLock(
        in trace: ProcessTrace,
        _ body: (_ lockID: UInt32, LockRecord?, LockStatisticsRecord?, LockEventTally?) -> Void
    ) {
        var counted = 0
        var withEvents = 0
        func events(of lockID: UInt32) -> LockEventTally? {
            let events = trace.events.isEmpty ? nil : trace.events[lockID]
            if events != nil { withEvents += 1 }
            return events
        }
        for (lockID, record) in trace.locks {
            let counters = trace.statistics[lockID]
            if counters != nil { counted += 1 }
            body(lockID, record, counters, events(of: lockID))
        }
        if counted < trace.statistics.count {
            for (lockID, counters) in trace.statistics where trace.locks[lockID] == nil {
                body(lockID, nil, counters, events(of: lockID))
            }
        }
        if withEvents < trace.events.count {
            for (lockID, events) in trace.events where trace.locks[lockID] == nil && trace.statistics[lockID] == nil {
                body(lockID, nil, nil, events)
            }
        }
    }

    /// The name the report gives lock `lockID`: its record's, or `lock #7` when the record was lost.
    package static func name(of lockID: UInt32, in trace: ProcessTrace) -> String {
        name(of: lockID, record: trace.locks[lockID])
    }

    /// The name of lock `lockID` whose record is `record`.
    package static func name(of lockID: UInt32, record: LockRecord?) -> String {
        record?.name ?? "lock #\(lockID)"
    }

    /// What the report's order and notes need of one lock, read without building its report.
    package struct Summary: Equatable {
        /// ``LockReport/waitNanoseconds``.
        package var waitNanoseconds: UInt64
        /// ``LockReport/countersExact``.
        package var countersExact: Bool
        /// ``LockReport/stacksSampled``.
        package var stacksSampled: Bool
    }

    /// The ``Summary`` of a lock with these counters and events: the same figures its
    /// ``report(lockID:in:runtimeNanoseconds:threshold:symbolizer:)`` has.
    package static func summary(counters: LockStatisticsRecord?, events: LockEventTally?) -> Summary {
        let events = events ?? LockEventTally()
        let wait = waitNanoseconds(counters: counters, events: events)
        return Summary(
            waitNanoseconds: wait, countersExact: counters != nil,
            stacksSampled: stacksSampled(counters: counters, events: events, waitNanoseconds: wait))
    }

    /// Total wait: the counters' when there are counters, the events' sum otherwise.
    static func waitNanoseconds(counters: LockStatisticsRecord?, events: LockEventTally) -> UInt64 {
        counters?.waitNanoseconds ?? events.waitNanoseconds
    }

    /// Whether some waits were recorded without stacks (or not recorded at all), so stack weights
    /// are scaled.
    static func stacksSampled(counters: LockStatisticsRecord?, events: LockEventTally, waitNanoseconds: UInt64) -> Bool {
        StackAttribution.isSampled(events, countedWaits: counters.map { $0.contendedAcquisitions + $0.timeouts } ?? 0)
            || (waitNanoseconds > 0 && events.events == 0)
    }

    /// The figures only some kinds have (docs/report-schema.md, `lock`).
    static func addKindStatistics(to report: inout LockReport, counters: LockStatisticsRecord?) {
        switch report.kind {
        case .recursive:
            report.reentries = counters?.reentries ?? 0
        case .rwlock:
            let shared = counters.map(\.sharedAcquisitions)
            let sharedContended = counters?.sharedContendedAcquisitions ?? 0
            let sharedWait = counters?.sharedWaitNanoseconds ?? 0
            report.readers = LockSideReport(
                acquisitions: shared, contendedAcquisitions: sharedContended, waitNanoseconds: sharedWait)
            report.writers = LockSideReport(
                acquisitions: counters.map { $0.acquisitions &- $0.sharedAcquisitions },
                contendedAcquisitions: report.contendedAcquisitions &- min(sharedContended, report.contendedAcquisitions),
                waitNanoseconds: report.waitNanoseconds &- min(sharedWait, report.waitNanoseconds))
        case .condition:
            report.conditionWaitNanoseconds = counters?.conditionWaitNanoseconds ?? 0
            report.signals = counters?.signals ?? 0
            report.broadcasts = counters?.broadcasts ?? 0
        case .mutex, .semaphore:
            break
        }
    }

    /// Wait ÷ runtime. With several threads waiting at once it exceeds 1; a zero runtime counts as
    /// 1 ns so any wait at all stands out.
    package static func waitFraction(waitNanoseconds: UInt64, runtimeNanoseconds: UInt64) -> Double {
        Double(waitNanoseconds) / Double(max(runtimeNanoseconds, 1))
    }
}

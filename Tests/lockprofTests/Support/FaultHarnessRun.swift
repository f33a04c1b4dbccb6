import Foundation
import LockProfFormat
import Testing

/// A run of `fault-harness` and the trace it left, with the checks every fault test makes.
struct FaultHarnessRun {
    var result: CommandResult
    var trace: String

    /// Runs `fault-harness mode trace argument` to completion.
    static func run(_ mode: String, _ argument: String? = nil, environment: [String: String] = [:]) throws -> FaultHarnessRun {
        let trace = try temporaryDirectory().appendingPathComponent("\(mode).trace").path
        let result = try CommandRunner.run(
            [mode, trace] + (argument.map { [$0] } ?? []), program: "fault-harness", environment: environment)
        return FaultHarnessRun(result: result, trace: trace)
    }

    /// The acquisitions the harness's workload says it made, by lock name.
    var acquired: [String: UInt64] {
        var counts: [String: UInt64] = [:]
        for line in result.outputLines where line.hasPrefix("acquired ") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let count = UInt64(fields[2]) { counts[String(fields[1])] = count }
        }
        return counts
    }

    /// Lines the harness printed about its own checks failing.
    var problems: [String] { result.outputLines.filter { $0.hasPrefix("problem ") } }

    /// The value printed on the line `key value`.
    func printed(_ key: String) -> Int? {
        result.outputLines.first { $0.hasPrefix(key + " ") }.flatMap { Int($0.dropFirst(key.count + 1)) }
    }
}

/// A trace read back whole, with what the fault tests ask of it.
struct ReadTrace {
    var records: [TraceRecord]
    var summary: TraceReadSummary

    init(path: String) throws {
        (records, summary) = try TraceReader.readAll(path: path)
    }

    var hasEnd: Bool { records.contains { if case .end = $0 { true } else { false } } }

    /// Whether the only damage is a cut inside the last chunk (what a killed writer leaves).
    var damageIsAtMostALostLastChunk: Bool {
        guard let only = summary.damage.first else { return true }
        guard summary.damage.count == 1, case .truncated(let at, _) = only else { return false }
        return at == summary.bytes  // the reader stopped at the cut chunk: nothing after it
    }

    /// The last counters written for each lock, summed over the locks of each name.
    var acquisitionsByName: [String: UInt64] {
        var names: [UInt32: String] = [:]
        var last: [UInt32: UInt64] = [:]
        for record in records {
            if case .lock(let lock) = record { names[lock.lockID] = lock.name }
            if case .lockStatistics(let statistics) = record { last[statistics.lockID] = statistics.acquisitions }
        }
        var byName: [String: UInt64] = [:]
        for (lockID, count) in last { byName[names[lockID] ?? "lock \(lockID)", default: 0] += count }
        return byName
    }

    /// Whether every lock's cumulative counters only grow from one checkpoint to the next.
    var countersNeverGoBack: Bool {
        var last: [UInt32: UInt64] = [:]
        for case .lockStatistics(let statistics) in records {
            if statistics.acquisitions < last[statistics.lockID] ?? 0 { return false }
            last[statistics.lockID] = statistics.acquisitions
        }
        return true
    }

    var contentionEvents: Int { records.count { if case .contention = $0 { true } else { false } } }

    /// Events dropped because a ring was full (each thread's last cumulative count, summed).
    var droppedEvents: UInt64 {
        var drops: [UInt32: UInt64] = [:]
        for case .drops(let drop) in records { drops[drop.threadID] = drop.droppedEvents }
        return drops.values.reduce(0, +)
    }

    /// Locks whose events disagree with their counters. Every contended acquisition made while
    /// recording is one contention event and every timeout one timed-out event, unless the ring
    /// was full, in which case the difference is at most the events counted as dropped.
    var eventCountMismatches: [String] {
        var contentions: [UInt32: UInt64] = [:], timeouts: [UInt32: UInt64] = [:]
        var last: [UInt32: LockStatisticsRecord] = [:]
        for record in records {
            switch record {
            case .contention(let event):
                if event.timedOut { timeouts[event.lockID, default: 0] += 1 } else { contentions[event.lockID, default: 0] += 1 }
            case .lockStatistics(let statistics): last[statistics.lockID] = statistics
            default: break
            }
        }
        let dropped = droppedEvents
        var problems: [String] = []
        for (lockID, statistics) in last {
            let events = (contentions[lockID] ?? 0, timeouts[lockID] ?? 0)
            let counted = (statistics.contendedAcquisitions, statistics.timeouts)
            let consistent =
                dropped == 0
                ? events == counted
                : events.0 <= counted.0 && events.1 <= counted.1 && (counted.0 - events.0) + (counted.1 - events.1) <= dropped
            if !consistent { problems.append("lock \(lockID): events \(events), counters \(counted), dropped \(dropped)") }
        }
        return problems
    }

    /// Events that name a lock, thread or stack the trace never defines, or lie outside the
    /// recording: what a corrupted event would look like. (A stack whose event was dropped from
    /// a full ring is legitimately missing, so stacks are checked only when nothing was dropped.)
    var inconsistentEvents: [String] {
        var locks: Set<UInt32> = [], threads: Set<UInt32> = [], stacks: Set<UInt32> = [0]
        var start: UInt64 = 0, end = UInt64.max
        var dropped = false
        for record in records {
            switch record {
            case .lock(let lock): locks.insert(lock.lockID)
            case .thread(let thread): threads.insert(thread.threadID)
            case .stack(let stack): stacks.insert(stack.stackID)
            case .process(let process): start = process.startNanoseconds
            case .end(let last): end = last.timeNanoseconds
            case .drops(let drops): dropped = dropped || drops.droppedEvents > 0
            default: break
            }
        }
        let known = { (stackID: UInt32) in dropped || stacks.contains(stackID) }
        var problems: [String] = []
        for record in records {
            switch record {
            case .contention(let event):
                if !locks.contains(event.lockID) || !threads.contains(event.threadID)
                    || !known(event.waiterStackID) || !known(event.holderStackID)
                    || event.timeNanoseconds < start || event.timeNanoseconds > end || event.waitNanoseconds > end &- start
                { problems.append("\(event)") }
            case .release(let event):
                if !locks.contains(event.lockID) || !threads.contains(event.threadID) || !known(event.holderStackID)
                    || event.timeNanoseconds < start || event.timeNanoseconds > end
                { problems.append("\(event)") }
            default: break
            }
        }
        return problems
    }
}

/// The JSON report `lockprof report --format json` gives for `trace`.
func jsonReport(of trace: String) throws -> (status: Int32, top: [String: Any]?) {
    let result = try CommandRunner.run(["report", "--format", "json", trace])
    let top = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
    return (result.status, top)
}

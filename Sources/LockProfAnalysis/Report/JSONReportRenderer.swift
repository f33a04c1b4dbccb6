/// Renders a report as JSON, schema 2 (docs/report-schema.md): keys in a fixed order, durations
/// in integer nanoseconds, fractions as numbers (0.1 = 10%), unknown values `null`.
///
/// ```swift
/// let json = JSONReportRenderer().render(report)
/// ```
public struct JSONReportRenderer: Sendable {
    /// The schema version written as `"schema"`. Bumped when a key changes meaning or goes away;
    /// new keys may be added within a version.
    public static let schema: UInt64 = 2

    /// The renderer (it has no settings).
    public init() {}

    /// The report's JSON text, ending in a newline.
    public func render(_ report: ContentionReport) -> String {
        value(of: report).serialized() + "\n"
    }

    /// The report as a JSON value, for callers that embed it.
    package func value(of report: ContentionReport) -> JSONValue {
        .object([
            ("schema", .unsigned(Self.schema)),
            ("runtime_ns", .unsigned(report.runtimeNanoseconds)),
            ("threshold", .number(report.threshold)),
            ("dropped_events", .unsigned(report.droppedEvents)),
            ("deadlocks", .array(report.deadlocks.map(value(of:)))),
            ("stalls", .array(report.stalls.map(value(of:)))),
            ("threads", .array(report.threads.map(value(of:)))),
            ("locks", .array(report.locks.map(value(of:)))),
            ("processes", .array(report.processes.map(value(of:)))),
            ("inversions", .array(report.inversions.map(value(of:)))),
            ("complete", .bool(report.isComplete)),
            ("notes", .array(report.notes.map { .string($0.description) })),
            ("verdict", .string(report.verdict.description)),
        ])
    }

    func value(of thread: ThreadReport) -> JSONValue {
        .object([
            ("id", .unsigned(UInt64(thread.threadID))),
            ("system_thread_id", .unsigned(thread.systemThreadID)),
            ("name", .string(thread.name)),
            ("process", .signed(Int64(thread.process))),
            ("dropped_events", .unsigned(thread.droppedEvents)),
        ])
    }

    func value(of lock: LockReport) -> JSONValue {
        .object([
            ("name", .string(lock.name)),
            ("kind", .string(lock.kind.description)),
            ("acquisitions", .unsigned(lock.acquisitions)),
            ("contended", .unsigned(lock.contendedAcquisitions)),
            ("wait_ns", .unsigned(lock.waitNanoseconds)),
            ("wait_max_ns", .unsigned(lock.maximumWaitNanoseconds)),
            ("wait_p50_ns", .unsigned(lock.waitP50Nanoseconds)),
            ("wait_p99_ns", .unsigned(lock.waitP99Nanoseconds)),
            ("hold_ns", .unsigned(lock.estimatedMeanHoldNanoseconds)),
            ("wait_fraction", .number(lock.waitFraction)),
            ("flagged", .bool(lock.isFlagged)),
            ("holder_stacks", .array(lock.holderStacks.map { value(of: $0, holder: true) })),
            ("waiter_stacks", .array(lock.waiterStacks.map { value(of: $0, holder: false) })),
            ("failed_try_locks", .unsigned(lock.failedTryLocks)),
            ("timeouts", .unsigned(lock.timeouts)),
            ("site", .string(lock.site)),
            ("stacks_sampled", .bool(lock.stacksSampled)),
            ("counters_exact", .bool(lock.countersExact)),
            ("process", .signed(Int64(lock.process))),
            ("id", .unsigned(UInt64(lock.lockID))),
            ("reentries", .unsigned(lock.reentries)),
            ("readers", lock.readers.map(value(of:)) ?? .null),
            ("writers", lock.writers.map(value(of:)) ?? .null),
            ("condition_wait_ns", .unsigned(lock.conditionWaitNanoseconds)),
            ("signals", .unsigned(lock.signals)),
            ("broadcasts", .unsigned(lock.broadcasts)),
            ("holder_on_cpu", lock.holderOnCPU.map(JSONValue.number) ?? .null),
            ("pool_blocked_ns", .unsigned(lock.poolBlockedNanoseconds)),
            ("pool_blocked_waits", .unsigned(lock.poolBlockedWaits)),
            ("diagnosis", lock.diagnosis.map(value(of:)) ?? .null),
        ])
    }

    func value(of diagnosis: LockDiagnosis) -> JSONValue {
        .object([
            ("pattern", .string(diagnosis.pattern.rawValue)),
            ("evidence", .array(diagnosis.evidence.map(JSONValue.string))),
            ("advice", .string(diagnosis.advice)),
            ("holder_on_cpu", diagnosis.holderOnCPU.map(JSONValue.number) ?? .null),
            ("holder_frame", diagnosis.holderFrame.map(JSONValue.string) ?? .null),
        ])
    }

    func value(of side: LockSideReport) -> JSONValue {
        .object([
            ("acquisitions", .unsigned(side.acquisitions)),
            ("contended", .unsigned(side.contendedAcquisitions)),
            ("wait_ns", .unsigned(side.waitNanoseconds)),
        ])
    }

    func value(of deadlock: DeadlockReport) -> JSONValue {
        .object([
            ("process", .signed(Int64(deadlock.process))),
            ("locks", .array(deadlock.locks.map { .string($0) })),
            (
                "threads",
                .array(
                    deadlock.threads.map { thread in
                        .object([
                            ("thread", .unsigned(UInt64(thread.threadID))),
                            ("name", .string(thread.name)),
                            ("holds", .array(thread.holds.map { .string($0) })),
                            ("waits_for", .string(thread.waitsFor)),
                            ("wait_ns", .unsigned(thread.waitNanoseconds)),
                            ("stack", .array(thread.stack.map(value(of:)))),
                        ])
                    })
            ),
        ])
    }

    func value(of stall: StallReport) -> JSONValue {
        .object([
            ("process", .signed(Int64(stall.process))),
            ("thread", .unsigned(UInt64(stall.threadID))),
            ("name", .string(stall.name)),
            ("waits_for", .string(stall.waitsFor)),
            ("holds", .array(stall.holds.map { .string($0) })),
            ("wait_ns", .unsigned(stall.waitNanoseconds)),
            ("stack", .array(stall.stack.map(value(of:)))),
        ])
    }

    func value(of inversion: LockOrderInversion) -> JSONValue {
        .object([
            ("locks", .array(inversion.locks.map { .string($0) })),
            (
                "edges",
                .array(
                    inversion.edges.map { edge in
                        .object([
                            ("held", .string(edge.held)),
                            ("acquired", .string(edge.acquired)),
                            ("process", .signed(Int64(edge.process))),
                            ("thread", .unsigned(UInt64(edge.threadID))),
                            ("stack", .array(edge.stack.map(value(of:)))),
                        ])
                    })
            ),
        ])
    }

    func value(of stack: StackReport, holder: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("weight_ns", .unsigned(stack.weightNanoseconds)),
            ("count", .unsigned(stack.count)),
            ("share", .number(stack.share)),
        ]
        if holder {
            members.append(("releases", .unsigned(stack.releases ?? 0)))
            members.append(("hold_ns", .unsigned(stack.meanHoldNanoseconds)))
        }
        members.append(("id", .unsigned(UInt64(stack.stackID))))
        members.append(("frames", .array(stack.frames.map(value(of:)))))
        return .object(members)
    }

    func value(of frame: FrameReport) -> JSONValue {
        .object([
            ("function", .string(frame.function)),
            ("file", .string(frame.file)),
            ("line", .unsigned(frame.line.map(UInt64.init))),
            ("module", .string(frame.module)),
        ])
    }

    func value(of process: ProcessReport) -> JSONValue {
        .object([
            ("pid", .signed(Int64(process.pid))),
            ("name", .string(process.name)),
            ("files", .array(process.files.map { .string($0) })),
            ("start_wall_ns", .unsigned(process.startWallNanoseconds)),
            ("runtime_ns", .unsigned(process.runtimeNanoseconds)),
            ("complete", .bool(process.isComplete)),
            ("dropped_events", .unsigned(process.droppedEvents)),
        ])
    }
}

import LockProfFormat

/// Exports traces as Chrome trace-event JSON (the "JSON Array Format" with `traceEvents`), which
/// Perfetto UI and chrome://tracing show as a timeline: per thread, a `wait <lock>` slice for
/// every recorded wait and a `hold <lock>` slice for every hold that made others wait, so who
/// waited for whom lines up on one time axis.
///
/// Times are microseconds from the earliest recording start; several processes are aligned by
/// their wall-clock start. Unlike the report, the export keeps every event in memory.
///
/// ```swift
/// let json = try ChromeTraceExporter.export(paths: ["trace.bin"])
/// ```
public struct ChromeTraceExporter: Sendable {
    /// One recorded process's events, as streamed.
    struct Segment {
        var process: ProcessRecord?
        var threads: [UInt32: ThreadRecord] = [:]
        var locks: [UInt32: LockRecord] = [:]
        var waits: [ContentionRecord] = []
        var holds: [ReleaseRecord] = []
        var firstTime: UInt64?
    }

    private var segments: [Segment] = []

    /// An exporter with no records yet.
    public init() {}

    /// Takes one record of the current trace file into account. A `process` record after others
    /// starts a new process (merged traces hold several, one after another).
    public mutating func add(_ record: TraceRecord) {
        if segments.isEmpty { segments.append(Segment()) }
        let last = segments.count - 1
        switch record {
        case .process(let process):
            if segments[last].process == nil, segments[last].waits.isEmpty, segments[last].holds.isEmpty {
                segments[last].process = process
            } else {
                segments.append(Segment(process: process))
            }
        case .thread(let thread): segments[last].threads[thread.threadID] = thread
        case .lock(let lock): segments[last].locks[lock.lockID] = lock
        case .contention(let wait):
            segments[last].waits.append(wait)
            segments[last].firstTime = min(segments[last].firstTime ?? wait.timeNanoseconds, wait.timeNanoseconds - min(wait.waitNanoseconds, wait.timeNanoseconds))
        case .release(let hold):
            segments[last].holds.append(hold)
            segments[last].firstTime = min(segments[last].firstTime ?? hold.timeNanoseconds, hold.timeNanoseconds - min(hold.holdNanoseconds, hold.timeNanoseconds))
        default: break
        }
    }

    /// Marks the end of one file: the next file's records are another process (or another file
    /// of the same one, which the timeline shows apart).
    public mutating func finishFile() { segments.append(Segment()) }

    /// The trace-event JSON, one event per line.
    public func render() -> String {
        let used = segments.filter { $0.process != nil || !$0.waits.isEmpty || !$0.holds.isEmpty }
        let earliestWall = used.compactMap { $0.process?.startWallNanoseconds }.min() ?? 0
        var events: [JSONValue] = []
        for (index, segment) in used.enumerated() {
            let pid = Int64(segment.process?.pid ?? Int32(-1 - index))
            let origin = segment.process?.startNanoseconds ?? segment.firstTime ?? 0
            let shift = Double((segment.process?.startWallNanoseconds ?? earliestWall) - earliestWall)
            func microseconds(_ time: UInt64) -> Double { (Double(time) - Double(origin) + shift) / 1_000 }
            let name = segment.process.map { "\($0.processName) (pid \($0.pid))" } ?? "process \(index + 1)"
            events.append(metadata("process_name", pid: pid, tid: nil, name: name))
            for thread in segment.threads.values.sorted(by: { $0.threadID < $1.threadID }) {
                let label = thread.name.isEmpty ? "thread \(thread.systemThreadID)" : "\(thread.name) (\(thread.systemThreadID))"
                events.append(metadata("thread_name", pid: pid, tid: tid(thread.threadID, in: segment), name: label))
            }
            func lockName(_ id: UInt32) -> String { segment.locks[id]?.name ?? "lock #\(id)" }
            for wait in segment.waits {
                let start = wait.timeNanoseconds - min(wait.waitNanoseconds, wait.timeNanoseconds)
                events.append(
                    slice(
                        "wait \(lockName(wait.lockID))", category: "wait", pid: pid, tid: tid(wait.threadID, in: segment),
                        start: microseconds(start), duration: Double(wait.waitNanoseconds) / 1_000,
                        arguments: [("lock", .string(lockName(wait.lockID))), ("timed_out", .bool(wait.timedOut))]))
            }
            for hold in segment.holds {
                let start = hold.timeNanoseconds - min(hold.holdNanoseconds, hold.timeNanoseconds)
                events.append(
                    slice(
                        "hold \(lockName(hold.lockID))", category: "hold", pid: pid, tid: tid(hold.threadID, in: segment),
                        start: microseconds(start), duration: Double(hold.holdNanoseconds) / 1_000,
                        arguments: [
                            ("lock", .string(lockName(hold.lockID))), ("measured_from_acquisition", .bool(hold.holdMeasuredFromAcquisition)),
                        ]))
            }
        }
        return "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n" + events.map { $0.compactSerialized() }.joined(separator: ",\n") + "\n]}\n"
    }

    /// Reads `paths` and renders them.
    public static func export(paths: [String]) throws(AnalysisError) -> String {
        guard !paths.isEmpty else { throw .noTraces }
        var exporter = ChromeTraceExporter()
        for path in paths {
            _ = try TraceLoader.read(path: path) { exporter.add($0) }
            exporter.finishFile()
        }
        return exporter.render()
    }

    /// The kernel thread id when known (what other tools show), else the trace's id.
    private func tid(_ threadID: UInt32, in segment: Segment) -> Int64 {
        Int64(segment.threads[threadID]?.systemThreadID ?? UInt64(threadID))
    }

    private func metadata(_ kind: String, pid: Int64, tid: Int64?, name: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(kind)), ("ph", .string("M")), ("pid", .signed(pid))]
        if let tid { members.append(("tid", .signed(tid))) }
        members.append(("args", .object([("name", .string(name))])))
        return .object(members)
    }

    private func slice(
        _ name: String, category: String, pid: Int64, tid: Int64, start: Double, duration: Double,
        arguments: [(key: String, value: JSONValue)]
    ) -> JSONValue {
        .object([
            ("name", .string(name)), ("cat", .string(category)), ("ph", .string("X")), ("ts", .number(start)),
            ("dur", .number(duration)), ("pid", .signed(pid)), ("tid", .signed(tid)), ("args", .object(arguments)),
        ])
    }
}

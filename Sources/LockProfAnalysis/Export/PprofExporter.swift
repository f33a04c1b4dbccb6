import LockProfPprof

/// Exports a report as a pprof profile (`profile.proto`, gzipped), the format of Go's mutex and
/// block profiles, so `go tool pprof`, pprof's web UI and speedscope open it.
///
/// Sample types: `contentions/count`, `delay/nanoseconds` (the default) and `hold/nanoseconds`
/// (holder side: the total hold of the releases that left waiters behind). One sample per
/// distinct stack of a lock, leaf first, with the lock's name as the string label `lock`; a
/// lock that waited without a captured stack gets one sample at a `[stack not captured]` frame.
///
/// ```swift
/// let bytes = PprofExporter(side: .holder).export(report)   // write to lockprof.pb.gz
/// ```
/// `go tool pprof -top lockprof.pb.gz` then ranks functions by the wait they caused.
public struct PprofExporter: Sendable {
    /// Holder or waiter stacks.
    public var side: StackSide

    /// An exporter of `side`'s stacks.
    public init(side: StackSide = .holder) { self.side = side }

    /// The gzipped profile.
    public func export(_ report: ContentionReport) -> [UInt8] { Gzip.wrap(profile(report)) }

    /// The profile message before gzip.
    public func profile(_ report: ContentionReport) -> [UInt8] { pprofProfile(report).encoded() }

    /// The profile as values, for the one pprof encoder (`LockProfPprof`).
    func pprofProfile(_ report: ContentionReport) -> PprofProfile {
        var profile = PprofProfile(sampleTypes: [
            .init("contentions", "count"), .init("delay", "nanoseconds"), .init("hold", "nanoseconds"),
        ])
        for stack in ExportedStack.all(in: report, side: side) {
            let frames = stack.frames.isEmpty ? [FrameReport(function: ExportedStack.notCaptured)] : stack.frames
            let values = [stack.contentions, stack.delayNanoseconds, stack.holdNanoseconds].map { Int64(clamping: $0) }
            profile.samples.append(
                PprofProfile.Sample(
                    frames: frames.map {
                        PprofProfile.Frame(function: ExportedStack.name(of: $0), file: $0.file ?? "", line: $0.line ?? 0)
                    },
                    values: values, labels: [PprofProfile.Label("lock", stack.lock.name)]))
        }
        profile.timeNanoseconds = Int64(clamping: report.processes.compactMap(\.startWallNanoseconds).min() ?? 0)
        profile.durationNanoseconds = Int64(clamping: report.runtimeNanoseconds)
        profile.periodType = .init("contentions", "count")
        profile.period = 1
        profile.defaultSampleType = "delay"
        return profile
    }
}

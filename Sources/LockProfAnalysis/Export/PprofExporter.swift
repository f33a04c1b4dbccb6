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
    public func profile(_ report: ContentionReport) -> [UInt8] {
        var strings = StringTable()
        var functions: [FunctionKey: UInt64] = [:]
        var locations: [LocationKey: UInt64] = [:]
        var functionOrder: [FunctionKey] = []
        var locationOrder: [LocationKey] = []
        var writer = ProtobufWriter()

        // profile.proto field numbers: 1 sample_type, 2 sample, 4 location, 5 function,
        // 6 string_table, 9 time_nanos, 10 duration_nanos, 11 period_type, 12 period,
        // 14 default_sample_type.
        let types = [("contentions", "count"), ("delay", "nanoseconds"), ("hold", "nanoseconds")]
        for (type, unit) in types {
            let typeIndex = strings.index(type), unitIndex = strings.index(unit)
            writer.message(1) { $0.varint(1, typeIndex); $0.varint(2, unitIndex) }
        }
        let lockKey = strings.index("lock")
        for stack in ExportedStack.all(in: report, side: side) {
            let frames = stack.frames.isEmpty ? [FrameReport(function: ExportedStack.notCaptured)] : stack.frames
            var ids: [UInt64] = []
            for frame in frames {
                let function = FunctionKey(name: ExportedStack.name(of: frame), file: frame.file ?? "")
                if functions[function] == nil {
                    functions[function] = UInt64(functions.count + 1)
                    functionOrder.append(function)
                }
                let location = LocationKey(function: function, line: frame.line ?? 0)
                if locations[location] == nil {
                    locations[location] = UInt64(locations.count + 1)
                    locationOrder.append(location)
                }
                ids.append(locations[location]!)
            }
            let lockName = strings.index(stack.lock.name)
            writer.message(2) { sample in
                sample.packed(1, ids)
                sample.packed(2, [stack.contentions, stack.delayNanoseconds, stack.holdNanoseconds].map { min($0, UInt64(Int64.max)) })
                sample.message(3) { $0.varint(1, lockKey); $0.varint(2, lockName) }
            }
        }
        for location in locationOrder {
            writer.message(4) { message in
                message.varint(1, locations[location]!)
                message.message(4) { $0.varint(1, functions[location.function]!); $0.varint(2, UInt64(location.line)) }
            }
        }
        for function in functionOrder {
            let name = strings.index(function.name), file = strings.index(function.file)
            writer.message(5) { message in
                message.varint(1, functions[function]!)
                message.varint(2, name)
                message.varint(3, name)
                message.varint(4, file)
            }
        }
        let start = report.processes.compactMap(\.startWallNanoseconds).min() ?? 0
        let countIndex = strings.index("contentions"), unitIndex = strings.index("count"), delayIndex = strings.index("delay")
        for string in strings.strings { writer.string(6, string) }
        writer.int64(9, Int64(clamping: start))
        writer.int64(10, Int64(clamping: report.runtimeNanoseconds))
        writer.message(11) { $0.varint(1, countIndex); $0.varint(2, unitIndex) }
        writer.int64(12, 1)
        writer.varint(14, delayIndex)
        return writer.bytes
    }

    struct FunctionKey: Hashable {
        var name: String
        var file: String
    }

    struct LocationKey: Hashable {
        var function: FunctionKey
        var line: UInt32
    }

    /// profile.proto's string table: index 0 is the empty string, every other string once.
    struct StringTable {
        private(set) var strings: [String] = [""]
        private var indices: [String: UInt64] = ["": 0]

        mutating func index(_ string: String) -> UInt64 {
            if let index = indices[string] { return index }
            let index = UInt64(strings.count)
            strings.append(string)
            indices[string] = index
            return index
        }
    }
}

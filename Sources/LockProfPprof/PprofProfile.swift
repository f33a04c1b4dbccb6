/// A pprof profile (`profile.proto`) as values, and its one encoder: every pprof lockprof writes
/// — the CLI's `export --format pprof` and the live `/debug/pprof/mutex` and `/debug/pprof/block`
/// — is built as a `PprofProfile` and encoded here, so the wire format has one definition.
///
/// Only what contention profiles need: samples of leaf-first frames with values and string
/// labels, one line per location, no mappings (frames arrive symbolized, so readers such as
/// `go tool pprof` never try to symbolize them).
///
/// ```swift
/// var profile = PprofProfile(sampleTypes: [.init("contentions", "count"), .init("delay", "nanoseconds")])
/// profile.samples.append(.init(frames: [.init(function: "f")], values: [1, 500], labels: [.init("lock", "cache")]))
/// let bytes = profile.gzipped()   // what `go tool pprof` reads
/// ```
public struct PprofProfile: Sendable, Equatable {
    /// A sample type or the period type: `contentions`/`count`, `delay`/`nanoseconds`.
    public struct ValueType: Sendable, Equatable {
        public var type: String
        public var unit: String
        /// `type` measured in `unit`.
        public init(_ type: String, _ unit: String) {
            self.type = type
            self.unit = unit
        }
    }

    /// One symbolized frame. Frames with equal fields share one location and one function.
    public struct Frame: Sendable, Hashable {
        public var function: String
        public var file: String
        public var line: UInt32
        /// The instruction address when known (0: none); shown by `-addresses` and debug text.
        public var address: UInt64
        /// A frame of `function`, at `file:line` when known.
        public init(function: String, file: String = "", line: UInt32 = 0, address: UInt64 = 0) {
            self.function = function
            self.file = file
            self.line = line
            self.address = address
        }
    }

    /// A string label (`lock`: the lock's name).
    public struct Label: Sendable, Equatable {
        public var key: String
        public var value: String
        /// The label `key = value`.
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Weights of one stack: `values[i]` in `sampleTypes[i]`.
    public struct Sample: Sendable, Equatable {
        /// Innermost first, as profile.proto orders a sample's locations.
        public var frames: [Frame]
        public var values: [Int64]
        public var labels: [Label]
        /// A sample of `frames` (innermost first) weighing `values`.
        public init(frames: [Frame], values: [Int64], labels: [Label] = []) {
            self.frames = frames
            self.values = values
            self.labels = labels
        }
    }

    public var sampleTypes: [ValueType]
    public var samples: [Sample] = []
    /// What one sample of the period stands for; Go's contention profiles: `contentions`/`count`, 1.
    public var periodType: ValueType?
    public var period: Int64 = 0
    /// Wall-clock start of the profile (Unix nanoseconds) and what it covers.
    public var timeNanoseconds: Int64 = 0
    public var durationNanoseconds: Int64 = 0
    /// The sample type readers show first (none: the last one, pprof's rule).
    public var defaultSampleType: String?

    /// An empty profile of the given sample types.
    public init(sampleTypes: [ValueType]) { self.sampleTypes = sampleTypes }

    /// The gzipped message, as pprof files and `/debug/pprof/*` endpoints carry it.
    public func gzipped() -> [UInt8] { Gzip.wrap(encoded()) }

    /// The `Profile` message before gzip.
    public func encoded() -> [UInt8] {
        // profile.proto field numbers: 1 sample_type, 2 sample, 4 location, 5 function,
        // 6 string_table, 9 time_nanos, 10 duration_nanos, 11 period_type, 12 period,
        // 14 default_sample_type. Location: 1 id, 3 address, 4 line; Line: 1 function_id, 2 line;
        // Function: 1 id, 2 name, 3 system_name, 4 filename; Label: 1 key, 2 str.
        var strings = StringTable()
        var writer = ProtobufWriter()
        for type in sampleTypes {
            let typeIndex = strings.index(type.type), unitIndex = strings.index(type.unit)
            writer.message(1) { $0.varint(1, typeIndex); $0.varint(2, unitIndex) }
        }
        var functionIDs: [FunctionKey: UInt64] = [:], functions: [FunctionKey] = []
        var locations = LocationTable()
        for sample in samples {
            var ids: [UInt64] = []
            ids.reserveCapacity(sample.frames.count)
            for frame in sample.frames {
                let (id, isNew) = locations.id(of: frame)
                ids.append(id)
                // A frame's function is looked up once, with its first location: hashing the
                // names of every frame of every sample was most of a live scrape's time.
                guard isNew else { continue }
                let function = FunctionKey(name: frame.function, file: frame.file)
                if functionIDs[function] == nil {
                    functionIDs[function] = UInt64(functions.count + 1)
                    functions.append(function)
                }
            }
            let labels = sample.labels.map { (strings.index($0.key), strings.index($0.value)) }
            writer.message(2) { message in
                message.packed(1, ids)
                message.packed(2, sample.values.map { UInt64(bitPattern: $0) })
                for (key, value) in labels { message.message(3) { $0.varint(1, key); $0.varint(2, value) } }
            }
        }
        for (index, location) in locations.frames.enumerated() {
            let function = functionIDs[FunctionKey(name: location.function, file: location.file)]!
            writer.message(4) { message in
                message.varint(1, UInt64(index + 1))
                message.varint(3, location.address)
                message.message(4) { $0.varint(1, function); $0.varint(2, UInt64(location.line)) }
            }
        }
        for (index, function) in functions.enumerated() {
            let name = strings.index(function.name), file = strings.index(function.file)
            writer.message(5) { message in
                message.varint(1, UInt64(index + 1))
                message.varint(2, name)
                message.varint(3, name)
                message.varint(4, file)
            }
        }
        let periodIndices = periodType.map { (strings.index($0.type), strings.index($0.unit)) }
        let defaultType = defaultSampleType.map { strings.index($0) } ?? 0
        for string in strings.strings { writer.string(6, string) }
        writer.int64(9, timeNanoseconds)
        writer.int64(10, durationNanoseconds)
        if let (type, unit) = periodIndices { writer.message(11) { $0.varint(1, type); $0.varint(2, unit) } }
        writer.int64(12, period)
        writer.varint(14, defaultType)
        return writer.bytes
    }

    /// The profile's locations, one per distinct frame, numbered from 1 in order of appearance.
    /// Frames with an address are found by the address (an integer hash) and then compared
    /// whole, so two frames that differ only in their names never share a location; frames
    /// without one (a `lockprof export`'s, the placeholders) by the whole frame.
    private struct LocationTable {
        private(set) var frames: [Frame] = []
        private var byAddress: [UInt64: [UInt64]] = [:]
        private var byFrame: [Frame: UInt64] = [:]

        /// The id of `frame`'s location, and whether it was added now.
        mutating func id(of frame: Frame) -> (id: UInt64, isNew: Bool) {
            if frame.address != 0 {
                if let ids = byAddress[frame.address], let id = ids.first(where: { frames[Int($0) - 1] == frame }) {
                    return (id, false)
                }
                frames.append(frame)
                byAddress[frame.address, default: []].append(UInt64(frames.count))
                return (UInt64(frames.count), true)
            }
            if let id = byFrame[frame] { return (id, false) }
            frames.append(frame)
            byFrame[frame] = UInt64(frames.count)
            return (UInt64(frames.count), true)
        }
    }

    private struct FunctionKey: Hashable {
        var name: String
        var file: String
    }

    /// profile.proto's string table: index 0 is the empty string, every other string once.
    private struct StringTable {
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

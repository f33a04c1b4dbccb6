/// The protocol-buffers wire format, only as far as `profile.proto` needs it: varint fields,
/// length-delimited fields (strings, nested messages) and packed repeated varints.
///
/// Hand-written instead of generated: pprof's schema needs five message types and three
/// encodings, fewer lines than a generated file and no protobuf dependency.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// Field `number` as a varint (wire type 0). Zero is skipped: proto3 omits default values.
    mutating func varint(_ number: Int, _ value: UInt64) {
        guard value != 0 else { return }
        key(number, wireType: 0)
        Self.appendVarint(value, to: &bytes)
    }

    /// A signed field (`int64`): two's complement as a varint, as protobuf encodes `int64`.
    mutating func int64(_ number: Int, _ value: Int64) { varint(number, UInt64(bitPattern: value)) }

    /// Field `number` as length-delimited bytes (wire type 2), written even when empty.
    mutating func bytes(_ number: Int, _ value: [UInt8]) {
        key(number, wireType: 2)
        Self.appendVarint(UInt64(value.count), to: &bytes)
        bytes += value
    }

    mutating func string(_ number: Int, _ value: String) { bytes(number, Array(value.utf8)) }

    /// A nested message built by `build`.
    mutating func message(_ number: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytes(number, nested.bytes)
    }

    /// A packed repeated varint field; nothing when `values` is empty.
    mutating func packed(_ number: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var payload: [UInt8] = []
        for value in values { Self.appendVarint(value, to: &payload) }
        bytes(number, payload)
    }

    private mutating func key(_ number: Int, wireType: UInt64) {
        Self.appendVarint(UInt64(number) << 3 | wireType, to: &bytes)
    }

    static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }
}

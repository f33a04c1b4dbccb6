/// Writes the primitive fields of ``ByteSink`` (varints, zigzag deltas, single bytes) straight
/// into memory the caller reserved: no bounds, capacity or uniqueness check per byte. Used by the
/// encoders of the records written per event (`contention`, `release`), whose bodies have a known
/// maximum size (`maximumBodyBytes`); the caller reserves that much before encoding.
/// Produces exactly the bytes ``ByteSink`` produces for the same calls.
struct ByteCursor {
    /// Where the next byte goes.
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ position: UnsafeMutablePointer<UInt8>) {
        self.position = position
    }

    /// Bytes of the longest varint (a UInt64).
    static let maximumVarintBytes = 10

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        position.pointee = value
        position += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        // Most fields of an event are one byte (ids, flags) or two (small deltas and waits).
        if value < 0x80 {
            position.pointee = UInt8(truncatingIfNeeded: value)
            position += 1
            return
        }
        if value < 0x4000 {
            position[0] = UInt8(truncatingIfNeeded: value) | 0x80
            position[1] = UInt8(truncatingIfNeeded: value >> 7)
            position += 2
            return
        }
        var value = value
        while value >= 0x80 {
            position.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            position += 1
            value >>= 7
        }
        position.pointee = UInt8(truncatingIfNeeded: value)
        position += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt32) { varint(UInt64(value)) }

    /// A signed value, zigzag-encoded so small negative deltas stay short.
    @inline(__always)
    mutating func signedVarint(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}

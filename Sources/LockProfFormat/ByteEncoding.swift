/// Appends the primitive fields records are made of: LEB128 varints, zigzag deltas, strings.
/// Little-endian throughout. Internal: records are the public unit, bytes are not.
struct ByteSink {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func varint(_ value: UInt32) { varint(UInt64(value)) }

    /// A signed value, zigzag-encoded so small negative deltas stay short.
    mutating func signedVarint(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func string(_ value: String) {
        var utf8 = Array(value.utf8)
        if utf8.count > TraceLimits.maximumStringBytes {
            utf8 = Array(utf8.prefix(TraceLimits.maximumStringBytes))
        }
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends what `body` writes through a ``ByteCursor``, which may write at most
    /// `maximumBytes`.
    mutating func withCursor(maximumBytes: Int, _ body: (inout ByteCursor) -> Void) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: maximumBytes))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress! + start
            var cursor = ByteCursor(base)
            body(&cursor)
            return cursor.position - base
        }
        precondition(written <= maximumBytes, "a body overran its maximum size")
        bytes.removeLast(maximumBytes - written)
    }

    mutating func fixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Why a record's bytes could not be read; wrapped by the reader into a ``TraceDamage``.
struct DecodeFailure: Error {
    var reason: String
}

/// Reads what ``ByteSink`` writes, with every length checked against the bytes that remain, so a
/// corrupt length can never read out of bounds or allocate without limit.
struct ByteSource {
    let bytes: UnsafeRawBufferPointer
    /// `bytes.count`, kept: every field checks against it, and the buffer's own count is a
    /// subtraction behind a nil check.
    let end: Int
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.end = bytes.count
        self.offset = offset
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    @inline(__always)
    mutating func byte() throws(DecodeFailure) -> UInt8 {
        guard offset < end else { throw DecodeFailure(reason: "record ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func varint() throws(DecodeFailure) -> UInt64 {
        // Most varints in a trace are one byte (ids, flags), two (small deltas, stack ids) or
        // three (waits and holds up to 2 ms): take those inline.
        if offset < end {
            let first = bytes[offset]
            if first < 0x80 {
                offset += 1
                return UInt64(first)
            }
            if offset + 2 < end {
                let second = bytes[offset + 1]
                if second < 0x80 {
                    offset += 2
                    return UInt64(first & 0x7F) | UInt64(second) << 7
                }
                let third = bytes[offset + 2]
                if third < 0x80 {
                    offset += 3
                    return UInt64(first & 0x7F) | UInt64(second & 0x7F) << 7 | UInt64(third) << 14
                }
            }
        }
        return try multiByteVarint()
    }

    private mutating func multiByteVarint() throws(DecodeFailure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw DecodeFailure(reason: "record ends early") }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw DecodeFailure(reason: "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw DecodeFailure(reason: "varint longer than 10 bytes") }
        }
    }

    @inline(__always)
    mutating func varint32() throws(DecodeFailure) -> UInt32 {
        let value = try varint()
        guard let narrow = UInt32(exactly: value) else { throw Self.wideValueFailure(value) }
        return narrow
    }

    @inline(__always)
    mutating func signedVarint() throws(DecodeFailure) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A count of items that each take at least `minimumBytes`, checked against what remains.
    @inline(__always)
    mutating func count(limit: Int, minimumBytes: Int = 1) throws(DecodeFailure) -> Int {
        let value = try varint()
        // One comparison on the common path; the messages are built out of line.
        guard value <= UInt64(limit), Int(value) * minimumBytes <= remaining else {
            throw Self.countFailure(value, limit: limit)
        }
        return Int(value)
    }

    @inline(never)
    private static func wideValueFailure(_ value: UInt64) -> DecodeFailure {
        DecodeFailure(reason: "value \(value) does not fit 32 bits")
    }

    @inline(never)
    private static func countFailure(_ value: UInt64, limit: Int) -> DecodeFailure {
        value > UInt64(limit)
            ? DecodeFailure(reason: "count \(value) exceeds the limit of \(limit)")
            : DecodeFailure(reason: "count \(value) exceeds the bytes that remain")
    }

    mutating func string() throws(DecodeFailure) -> String {
        let length = try count(limit: TraceLimits.maximumStringBytes)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        offset += length
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func fixed32() throws(DecodeFailure) -> UInt32 {
        guard remaining >= 4 else { throw DecodeFailure(reason: "record ends early") }
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func fixed64() throws(DecodeFailure) -> UInt64 {
        guard remaining >= 8 else { throw DecodeFailure(reason: "record ends early") }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

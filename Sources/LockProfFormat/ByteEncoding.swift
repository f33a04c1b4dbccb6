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
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() throws(DecodeFailure) -> UInt8 {
        guard offset < bytes.count else { throw DecodeFailure(reason: "record ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func varint() throws(DecodeFailure) -> UInt64 {
        // Most varints in a trace are one byte (ids, flags) or two (small deltas and waits):
        // take those inline.
        if offset + 1 < bytes.count {
            let first = bytes[offset]
            if first < 0x80 {
                offset += 1
                return UInt64(first)
            }
            let second = bytes[offset + 1]
            if second < 0x80 {
                offset += 2
                return UInt64(first & 0x7F) | UInt64(second) << 7
            }
        }
        return try multiByteVarint()
    }

    private mutating func multiByteVarint() throws(DecodeFailure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw DecodeFailure(reason: "record ends early") }
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
        guard let narrow = UInt32(exactly: value) else {
            throw DecodeFailure(reason: "value \(value) does not fit 32 bits")
        }
        return narrow
    }

    mutating func signedVarint() throws(DecodeFailure) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A count of items that each take at least `minimumBytes`, checked against what remains.
    mutating func count(limit: Int, minimumBytes: Int = 1) throws(DecodeFailure) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else {
            throw DecodeFailure(reason: "count \(value) exceeds the limit of \(limit)")
        }
        guard Int(value) * minimumBytes <= remaining else {
            throw DecodeFailure(reason: "count \(value) exceeds the bytes that remain")
        }
        return Int(value)
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

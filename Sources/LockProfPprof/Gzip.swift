/// Wraps bytes in a gzip member (RFC 1952) whose deflate stream (RFC 1951) uses stored blocks
/// only: valid gzip that every reader accepts (Go's `compress/gzip` for `go tool pprof`, `gunzip`),
/// at the size of the input plus 5 bytes per 64 KiB.
///
/// Why not compress: pprof requires gzip framing, not compression, and a profile is a few KiB to
/// a few hundred KiB. Stored blocks keep the analysis free of a system library (zlib is not
/// always installed) in about forty lines. Shared by the runtime (the live profile) and the analysis
/// (`lockprof export --format pprof`).
package enum Gzip {
    /// `bytes` as a gzip file.
    package static func wrap(_ bytes: [UInt8]) -> [UInt8] {
        // Header: magic, method 8 (deflate), no flags, mtime 0, no extra flags, OS 255 (unknown).
        var output: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
        output.reserveCapacity(bytes.count + bytes.count / 65_535 * 5 + 32)
        var offset = 0
        repeat {
            let length = min(65_535, bytes.count - offset)
            let isLast = offset + length == bytes.count
            // Block header: BFINAL bit, BTYPE 00 (stored), padded to a byte; then LEN and ~LEN.
            output.append(isLast ? 1 : 0)
            output += littleEndian(UInt32(length), bytes: 2)
            output += littleEndian(UInt32(~UInt16(length)), bytes: 2)
            output += bytes[offset..<(offset + length)]
            offset += length
        } while offset < bytes.count
        output += littleEndian(CRC32.checksum(bytes), bytes: 4)
        output += littleEndian(UInt32(truncatingIfNeeded: bytes.count), bytes: 4)
        return output
    }

    static func littleEndian(_ value: UInt32, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

/// CRC-32 (IEEE 802.3, the polynomial gzip and zip use; the trace format's CRC-32C is another).
package enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The checksum of `bytes` (`CRC32.checksum(Array("123456789".utf8)) == 0xCBF43926`).
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }
}

/// The fixed parts of a trace file: a 16-byte file header, then chunks, each a 24-byte chunk
/// header followed by its payload of records. All integers are little-endian.
///
/// ```
/// file header   "LOCKPROF" (8) | version u16 | flags u16 (0) | header size u32 (16)
/// chunk header  "LPCK" (4) | payload length u32 | sequence u64 | record count u32
///               | payload crc32c u32 | header crc32c u32 (of bytes 4..<24)
/// ```
/// The header's own checksum means a corrupt length is caught before it is believed, so one bad
/// chunk never hides the chunks after it; the payload checksum catches everything else. A crash
/// loses at most the chunk being written. Sequence numbers start at 0 and grow by one per chunk.
package enum TraceFileLayout {
    /// The first eight bytes of every trace.
    package static let magic: [UInt8] = Array("LOCKPROF".utf8)
    /// The format version this code writes and reads. Bump it when a change would make an older
    /// reader misread a newer file (adding a record tag or appending fields does not).
    package static let formatVersion: UInt16 = 1
    /// Bytes before the first chunk.
    package static let fileHeaderSize = 16
    /// Marks the start of every chunk; lets a reader find the next chunk after a corrupt one.
    package static let chunkMagic: [UInt8] = Array("LPCK".utf8)
    /// Bytes of a chunk header.
    package static let chunkHeaderSize = 28

    /// The file header for this format version.
    package static func fileHeader() -> [UInt8] {
        var sink = ByteSink()
        sink.bytes.append(contentsOf: magic)
        sink.bytes.append(contentsOf: withUnsafeBytes(of: formatVersion.littleEndian) { Array($0) })
        sink.bytes.append(contentsOf: [0, 0])
        sink.fixed32(UInt32(fileHeaderSize))
        return sink.bytes
    }
}

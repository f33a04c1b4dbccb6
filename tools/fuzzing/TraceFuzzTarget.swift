// libFuzzer target over the trace decoder and the report builder: any input must give a report or
// an error, never a crash, a hang or unbounded memory (tools/fuzz runs it with -timeout and
// -rss_limit_mb). Built by tools/fuzz against the LockProfFormat and LockProfAnalysis sources.
//
// Each input is read twice: as it is (a damaged real trace), and with every chunk's length and
// checksums repaired first, so that mutations reach the record decoder instead of stopping at a
// checksum mismatch.
import LockProfAnalysis
import LockProfFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    analyse(bytes)
    analyse(repairingChunks(bytes))
    return 0
}

/// Reads, analyses and renders a trace, as `lockprof report` does.
func analyse(_ bytes: [UInt8]) {
    guard let loaded = try? TraceLoader.load(bytes: bytes) else { return }
    let report = ContentionAnalysis.report(processes: loaded.processes, notes: loaded.notes)
    _ = TextReportRenderer().render(report)
    _ = JSONReportRenderer().render(report)
}

/// `bytes` with each chunk's length clamped to the bytes that remain and both checksums
/// recomputed: the file a writer would have produced with these payloads.
func repairingChunks(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    var offset = TraceFileLayout.fileHeaderSize
    let header = TraceFileLayout.chunkHeaderSize
    while offset + header <= bytes.count {
        let remaining = bytes.count - offset - header
        var length = Int(readFixed32(bytes, at: offset + 4))
        if length > remaining { length = remaining }
        bytes.replaceSubrange(offset..<(offset + 4), with: TraceFileLayout.chunkMagic)
        writeFixed32(&bytes, UInt32(length), at: offset + 4)
        writeFixed32(&bytes, CRC32C.checksum(Array(bytes[(offset + header)..<(offset + header + length)])), at: offset + 20)
        writeFixed32(&bytes, CRC32C.checksum(Array(bytes[(offset + 4)..<(offset + 24)])), at: offset + 24)
        offset += header + length
    }
    return bytes
}

func readFixed32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
}

func writeFixed32(_ bytes: inout [UInt8], _ value: UInt32, at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
}

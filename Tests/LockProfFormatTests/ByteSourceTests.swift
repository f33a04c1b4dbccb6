import Testing
@testable import LockProfFormat

/// `ByteSource.varint()` takes short varints inline and longer ones byte by byte; either way it
/// reads what `ByteSink.varint` wrote and never past the end of its bytes, wherever the varint
/// sits relative to that end (bytes that follow in memory, as the rest of a chunk follows a
/// record's body, are never read).
@Suite struct ByteSourceTests {
    static let values: [UInt64] = [
        0, 1, 127, 128, 300, 16_383, 16_384, (1 << 21) - 1, 1 << 21, (1 << 28) + 5, 1 << 35, (1 << 42) - 1, 1 << 49,
        (1 << 56) - 1, 1 << 56, 1 << 63, .max,
    ]

    @Test func everyWidthReadsTheSameAtEveryDistanceFromTheEnds() throws {
        for value in Self.values {
            var sink = ByteSink()
            sink.varint(value)
            let encoded = sink.bytes
            for prefix in [0, 3] {
                // Bytes after the varint that would continue it (0xFF) or stop it (0x00).
                for filler: UInt8 in [0xFF, 0x00] {
                    for trailing in 0...10 {
                        let bytes = [UInt8](repeating: 0x80, count: prefix) + encoded + [UInt8](repeating: filler, count: trailing)
                        for end in prefix...bytes.count {
                            let (read, offset) = bytes.withUnsafeBytes { raw -> (UInt64?, Int) in
                                var source = ByteSource(UnsafeRawBufferPointer(rebasing: raw[..<end]), offset: prefix)
                                return ((try? source.varint()), source.offset)
                            }
                            let context = "value \(value), prefix \(prefix), filler \(filler), trailing \(trailing), end \(end)"
                            if end - prefix >= encoded.count {
                                #expect(read == value, "\(context)")
                                #expect(offset == prefix + encoded.count, "\(context)")
                            } else {
                                #expect(read == nil, "\(context)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func overflowingAndCutVarintsFailWithTheirReason() {
        func failure(_ bytes: [UInt8]) -> String? {
            let padded = bytes + [UInt8](repeating: 0, count: 8)
            return padded.withUnsafeBytes { raw -> String? in
                var source = ByteSource(UnsafeRawBufferPointer(rebasing: raw[..<bytes.count]), offset: 0)
                do {
                    _ = try source.varint()
                    return nil
                } catch {
                    return (error as? DecodeFailure)?.reason
                }
            }
        }
        #expect(failure([UInt8](repeating: 0xFF, count: 11)) == "varint overflows 64 bits")
        #expect(failure([UInt8](repeating: 0xFF, count: 9) + [0x02]) == "varint overflows 64 bits")
        #expect(failure([UInt8](repeating: 0xFF, count: 9) + [0x01]) == nil)
        #expect(failure([0x80, 0x80]) == "record ends early")
        #expect(failure([]) == "record ends early")
    }
}

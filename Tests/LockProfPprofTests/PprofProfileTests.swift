import Testing

@testable import LockProfPprof

/// The encoder's location and function tables, counted in the encoded message.
@Suite struct PprofProfileTests {
    /// Frames at one address share a location unless they differ (an inlined frame names another
    /// function at the same address); frames without an address share one when equal; a function
    /// is one entry however many locations name it.
    @Test func framesShareALocationOnlyWhenEqualAndAFunctionWhenNamedAlike() {
        var profile = PprofProfile(sampleTypes: [.init("contentions", "count")])
        let a = PprofProfile.Frame(function: "a", file: "A.swift", line: 1, address: 0x10)
        let b = PprofProfile.Frame(function: "b", file: "B.swift", line: 2, address: 0x20)
        let bElsewhere = PprofProfile.Frame(function: "b", file: "B.swift", line: 3, address: 0x30)
        let inlinedAtA = PprofProfile.Frame(function: "c", file: "C.swift", line: 4, address: 0x10)
        let notCaptured = PprofProfile.Frame(function: "[stack not captured]")
        for frames in [[a, b], [a, bElsewhere], [inlinedAtA], [notCaptured], [notCaptured, a]] {
            profile.samples.append(.init(frames: frames, values: [1]))
        }
        let fields = Self.topLevelFields(profile.encoded())
        #expect(fields[2] == 5)  // samples
        #expect(fields[4] == 5)  // locations: a, b, bElsewhere, inlinedAtA, notCaptured
        #expect(fields[5] == 4)  // functions: a, b, c, [stack not captured]
    }

    /// How many times each field number occurs at the top level of a protobuf message.
    static func topLevelFields(_ bytes: [UInt8]) -> [UInt64: Int] {
        var counts: [UInt64: Int] = [:]
        var offset = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        while offset < bytes.count {
            let key = varint()
            counts[key >> 3, default: 0] += 1
            switch key & 7 {
            case 0: _ = varint()
            case 2: offset += Int(varint())
            case 1: offset += 8
            default: offset += 4
            }
        }
        return counts
    }
}

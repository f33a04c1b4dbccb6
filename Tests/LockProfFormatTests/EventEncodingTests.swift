import Foundation
import Testing

@testable import LockProfFormat

/// The per-event records (`contention`, `release`) are encoded field by field straight into the
/// chunk (`ChunkEncoder.appendContention`/`appendRelease`, used by the runtime's collector). These
/// tests hold that path to the format: the same bytes as the format's primitives laid out in the
/// documented order, and traces that read back equal whatever the values and the mix of records.
@Suite struct EventEncodingTests {
    /// Values at the edges of every field: zero, one-byte/two-byte varint borders, the largest.
    static let edgeIDs: [UInt32] = [0, 1, 127, 128, 16_383, 16_384, .max]
    static let edgeValues: [UInt64] = [0, 1, 127, 128, 1 << 35, .max - 1, .max]

    @Test func aContentionHasTheBytesTheFormatLaysOut() {
        for (index, id) in Self.edgeIDs.enumerated() {
            let value = Self.edgeValues[index]
            var encoder = ChunkEncoder()
            // Two records: the second time is a delta (here negative) from the first.
            encoder.appendContention(
                lockID: id, threadID: ~id, timeNanoseconds: value, waitNanoseconds: ~value, waiterStackID: id,
                holderStackID: 0, timedOut: index % 2 == 0)
            encoder.appendContention(
                lockID: 3, threadID: 4, timeNanoseconds: value / 2, waitNanoseconds: 0, waiterStackID: 0,
                holderStackID: ~id, timedOut: false)

            var expected = ByteSink()
            var clock = ChunkClock()
            for (lock, thread, time, wait, waiter, holder, timedOut) in [
                (id, ~id, value, ~value, id, UInt32(0), index % 2 == 0), (3, 4, value / 2, 0, 0, ~id, false),
            ] {
                var body = ByteSink()
                body.varint(lock)
                body.varint(thread)
                body.signedVarint(clock.delta(to: time))
                body.varint(wait)
                body.varint(waiter)
                body.varint(holder)
                body.byte(timedOut ? 1 : 0)
                expected.byte(RecordTag.contention.rawValue)
                expected.varint(UInt64(body.bytes.count))
                expected.bytes += body.bytes
            }
            #expect(payload(of: &encoder) == expected.bytes, "lock id \(id), value \(value)")
        }
    }

    @Test func aReleaseHasTheBytesTheFormatLaysOut() {
        for (index, id) in Self.edgeIDs.enumerated() {
            let value = Self.edgeValues[index]
            var encoder = ChunkEncoder()
            encoder.appendRelease(
                lockID: id, threadID: 7, timeNanoseconds: value, holdNanoseconds: value, holderStackID: ~id,
                holdMeasuredFromAcquisition: index % 2 == 1)

            var body = ByteSink()
            body.varint(id)
            body.varint(UInt32(7))
            body.signedVarint(Int64(bitPattern: value))
            body.varint(value)
            body.varint(~id)
            body.byte(index % 2 == 1 ? 1 : 0)
            var expected = ByteSink()
            expected.byte(RecordTag.release.rawValue)
            expected.varint(UInt64(body.bytes.count))
            expected.bytes += body.bytes
            #expect(payload(of: &encoder) == expected.bytes, "lock id \(id), value \(value)")
        }
    }

    @Test func theLongestEventBodiesFitTheirOneByteLength() {
        var encoder = ChunkEncoder()
        encoder.appendContention(
            lockID: .max, threadID: .max, timeNanoseconds: 1 << 63, waitNanoseconds: .max, waiterStackID: .max,
            holderStackID: .max, timedOut: true)
        let contention = payload(of: &encoder)
        #expect(contention.count == 2 + ContentionRecord.maximumBodyBytes)
        #expect(Int(contention[1]) == ContentionRecord.maximumBodyBytes)
        encoder.appendRelease(
            lockID: .max, threadID: .max, timeNanoseconds: 1 << 63, holdNanoseconds: .max, holderStackID: .max,
            holdMeasuredFromAcquisition: true)
        let release = payload(of: &encoder)
        #expect(release.count == 2 + ReleaseRecord.maximumBodyBytes)
        #expect(ContentionRecord.maximumBodyBytes < 128 && ReleaseRecord.maximumBodyBytes < 128)
    }

    /// Events written field by field, interleaved with records of every size (bodies over 128
    /// bytes need a two-byte length), across many chunks of a real file, read back equal.
    @Test func aLongMixedTraceReadsBackEqual() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SystemRandomNumberGenerator()
        var expected: [TraceRecord] = []
        let writer = try TraceWriter(path: path)
        for index in 0..<60_000 {
            let time = UInt64(index) * 1_000 + UInt64.random(in: 0..<5_000, using: &generator)
            switch index % 7 {
            case 0, 1, 2:
                let record = ContentionRecord(
                    lockID: UInt32(index % 300), threadID: UInt32(index % 5 + 1), timeNanoseconds: time,
                    waitNanoseconds: UInt64.random(in: 0...UInt64.max, using: &generator),
                    waiterStackID: UInt32(index % 11), holderStackID: UInt32.random(in: 0...UInt32.max, using: &generator),
                    timedOut: index % 3 == 0)
                try writer.appendContention(
                    lockID: record.lockID, threadID: record.threadID, timeNanoseconds: record.timeNanoseconds,
                    waitNanoseconds: record.waitNanoseconds, waiterStackID: record.waiterStackID,
                    holderStackID: record.holderStackID, timedOut: record.timedOut)
                expected.append(.contention(record))
            case 3, 4:
                let record = ReleaseRecord(
                    lockID: UInt32(index % 300), threadID: UInt32(index % 5 + 1), timeNanoseconds: time,
                    holdNanoseconds: UInt64(index) << 20, holderStackID: UInt32(index % 13),
                    holdMeasuredFromAcquisition: index % 2 == 0)
                try writer.appendRelease(
                    lockID: record.lockID, threadID: record.threadID, timeNanoseconds: record.timeNanoseconds,
                    holdNanoseconds: record.holdNanoseconds, holderStackID: record.holderStackID,
                    holdMeasuredFromAcquisition: record.holdMeasuredFromAcquisition)
                expected.append(.release(record))
            case 5:
                let frames = (0..<(index % TraceLimits.maximumFrames + 1)).map {
                    Frame(moduleID: UInt32($0 % 3 + 1), offset: UInt64(index) << 16 | UInt64($0))
                }
                let record = TraceRecord.stack(StackRecord(stackID: UInt32(index), frames: frames))
                try writer.append(record)
                expected.append(record)
            default:
                // Through the record-valued path: an event too, then a thread with a long name.
                let event = TraceRecord.contention(
                    ContentionRecord(
                        lockID: 1, threadID: 2, timeNanoseconds: time, waitNanoseconds: 3, waiterStackID: 4,
                        holderStackID: 5, timedOut: false))
                let thread = TraceRecord.thread(
                    ThreadRecord(threadID: UInt32(index), systemThreadID: UInt64(index), name: String(repeating: "t", count: index % 300)))
                try writer.append(event)
                try writer.append(thread)
                expected += [event, thread]
            }
        }
        try writer.close()
        let (records, summary) = try TraceReader.readAll(path: path)
        #expect(summary.damage.isEmpty)
        #expect(summary.chunks > 10)
        #expect(records.count == expected.count)
        #expect(records == expected)
    }

    /// The payload bytes of the current chunk (finishing it).
    private func payload(of encoder: inout ChunkEncoder) -> [UInt8] {
        Array(encoder.finishChunk(sequence: 0)[TraceFileLayout.chunkHeaderSize...])
    }
}

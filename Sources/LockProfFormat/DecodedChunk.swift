/// One chunk's records, decoded completely before any is handed out, so a chunk counts whole or
/// not at all. Reused from chunk to chunk: its arrays keep their capacity, so reading a trace
/// allocates per chunk at most for the records that carry strings or arrays.
///
/// Events (`contention`, `release`) go to ``events`` as plain values; every other record to
/// ``others`` with the number of events that came before it, which is enough to hand everything
/// out again in file order.
struct DecodedChunk {
    var events: [TraceEvent] = []
    var others: [(eventsBefore: Int, record: TraceRecord)] = []

    /// Records decoded so far.
    var count: Int { events.count + others.count }

    mutating func removeAll() {
        events.removeAll(keepingCapacity: true)
        others.removeAll(keepingCapacity: true)
    }

    /// Decodes a chunk's payload into the (emptied) buffers; on failure they hold a part of it
    /// that must not be delivered.
    mutating func decode(_ payload: UnsafeRawBufferPointer, expectedCount: Int) -> DecodeFailure? {
        removeAll()
        // The header's count is checksummed but not trusted: a record takes at least 2 bytes.
        events.reserveCapacity(min(expectedCount, payload.count / 2))
        var source = ByteSource(payload)
        var clock = ChunkClock()
        do {
            while !source.isAtEnd {
                let rawTag = try source.byte()
                let length = try source.count(limit: TraceLimits.maximumChunkBytes)
                let end = source.offset + length
                // The body cannot read past its length: a field that runs over is damage.
                var body = ByteSource(UnsafeRawBufferPointer(rebasing: payload[..<end]), offset: source.offset)
                do {
                    switch rawTag {
                    case RecordTag.contention.rawValue:
                        events.append(.contention(try ContentionRecord.decodeBody(from: &body, clock: &clock)))
                    case RecordTag.release.rawValue:
                        events.append(.release(try ReleaseRecord.decodeBody(from: &body, clock: &clock)))
                    default:
                        // A tag this reader does not know is skipped (newer writers may add kinds).
                        if let tag = RecordTag(rawValue: rawTag) {
                            let record = try TraceRecord.decodeBody(tag: tag, from: &body, clock: &clock)
                            others.append((events.count, record))
                        }
                    }
                } catch {
                    return DecodeFailure(reason: "record \(count) (tag \(rawTag)): \(error.reason)")
                }
                source.offset = end
            }
        } catch {
            return DecodeFailure(reason: "record \(count): \(error.reason)")
        }
        return nil
    }

    /// Hands the records out in file order: runs of events to `events`, the others one by one.
    func deliver(
        events visitEvents: (ArraySlice<TraceEvent>) throws -> Void, records visitRecord: (TraceRecord) throws -> Void
    ) throws {
        var delivered = 0
        for (eventsBefore, record) in others {
            if eventsBefore > delivered {
                try visitEvents(events[delivered..<eventsBefore])
                delivered = eventsBefore
            }
            try visitRecord(record)
        }
        if delivered < events.count { try visitEvents(events[delivered...]) }
    }
}

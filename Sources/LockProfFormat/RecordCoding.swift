/// The byte layout of each record inside a chunk: `tag` (one byte), `length` (varint, bytes of
/// the body), then the body. A reader skips a body whose tag it does not know and ignores bytes
/// after the fields it knows, so fields can be appended and records added without breaking older
/// readers. docs/trace-format.md mirrors this file; change both together.
enum RecordTag: UInt8 {
    case process = 1
    case thread = 2
    case lock = 3
    case module = 4
    case stack = 5
    case symbol = 6
    case contention = 7
    case release = 8
    case lockStatistics = 9
    case drops = 10
    case checkpoint = 11
    case end = 12
    case lockOrder = 13
    case deadlock = 14
    case stall = 15
    case foldedLocks = 16
}

/// Event times inside one chunk are written as zigzag deltas from the previous event time of the
/// same chunk; each chunk starts again from zero, so every chunk decodes on its own.
struct ChunkClock {
    var previous: UInt64 = 0

    mutating func delta(to time: UInt64) -> Int64 {
        defer { previous = time }
        return Int64(bitPattern: time &- previous)
    }

    mutating func time(adding delta: Int64) -> UInt64 {
        previous = previous &+ UInt64(bitPattern: delta)
        return previous
    }
}

// The bodies of the records written once per event. They are encoded field by field from their
// values (no record built first) by the runtime's collector through ``ChunkEncoder``, and from a
// record by ``TraceRecord/encodeBody(into:clock:)``: this is their one definition.

extension ContentionRecord {
    /// Bytes of the longest body: four 32-bit varints (5 each), a zigzag time delta and a wait
    /// (10 each), the flag byte. Less than 128, so the record's length is always one byte.
    static let maximumBodyBytes = 4 * 5 + 2 * ByteCursor.maximumVarintBytes + 1

    @inline(__always)
    static func encodeBody(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, waitNanoseconds: UInt64, waiterStackID: UInt32,
        holderStackID: UInt32, timedOut: Bool, into cursor: inout ByteCursor, clock: inout ChunkClock
    ) {
        cursor.varint(lockID)
        cursor.varint(threadID)
        cursor.signedVarint(clock.delta(to: timeNanoseconds))
        cursor.varint(waitNanoseconds)
        cursor.varint(waiterStackID)
        cursor.varint(holderStackID)
        cursor.byte(timedOut ? 1 : 0)
    }
}

extension ReleaseRecord {
    /// Bytes of the longest body: three 32-bit varints (5 each), a zigzag time delta and a hold
    /// (10 each), the flag byte. Less than 128, so the record's length is always one byte.
    static let maximumBodyBytes = 3 * 5 + 2 * ByteCursor.maximumVarintBytes + 1

    @inline(__always)
    static func encodeBody(
        lockID: UInt32, threadID: UInt32, timeNanoseconds: UInt64, holdNanoseconds: UInt64, holderStackID: UInt32,
        holdMeasuredFromAcquisition: Bool, into cursor: inout ByteCursor, clock: inout ChunkClock
    ) {
        cursor.varint(lockID)
        cursor.varint(threadID)
        cursor.signedVarint(clock.delta(to: timeNanoseconds))
        cursor.varint(holdNanoseconds)
        cursor.varint(holderStackID)
        cursor.byte(holdMeasuredFromAcquisition ? 1 : 0)
    }
}

extension TraceRecord {
    var tag: RecordTag {
        switch self {
        case .process: .process
        case .thread: .thread
        case .lock: .lock
        case .module: .module
        case .stack: .stack
        case .symbol: .symbol
        case .contention: .contention
        case .release: .release
        case .lockStatistics: .lockStatistics
        case .drops: .drops
        case .checkpoint: .checkpoint
        case .end: .end
        case .lockOrder: .lockOrder
        case .deadlock: .deadlock
        case .stall: .stall
        case .foldedLocks: .foldedLocks
        }
    }

    /// Writes the body (without tag and length).
    func encodeBody(into sink: inout ByteSink, clock: inout ChunkClock) {
        switch self {
        case .process(let r):
            sink.varint(UInt64(UInt32(bitPattern: r.pid)))
            sink.string(r.processName)
            sink.varint(r.startWallNanoseconds)
            sink.varint(r.startNanoseconds)
            sink.string(r.clockSource)
        case .thread(let r):
            sink.varint(r.threadID)
            sink.varint(r.systemThreadID)
            sink.string(r.name)
        case .lock(let r):
            sink.varint(r.lockID)
            sink.byte(r.kind.rawValue)
            sink.string(r.name)
            sink.string(r.site)
        case .module(let r):
            sink.varint(r.moduleID)
            sink.string(r.path)
            sink.varint(r.baseAddress)
        case .stack(let r):
            sink.varint(r.stackID)
            sink.varint(UInt64(r.frames.count))
            for frame in r.frames {
                sink.varint(frame.moduleID)
                sink.varint(frame.offset)
            }
        case .symbol(let r):
            sink.varint(r.frame.moduleID)
            sink.varint(r.frame.offset)
            sink.string(r.function)
            sink.string(r.file ?? "")
            sink.varint(r.line ?? 0)
        case .contention(let r):
            sink.withCursor(maximumBytes: ContentionRecord.maximumBodyBytes) { cursor in
                ContentionRecord.encodeBody(
                    lockID: r.lockID, threadID: r.threadID, timeNanoseconds: r.timeNanoseconds,
                    waitNanoseconds: r.waitNanoseconds, waiterStackID: r.waiterStackID, holderStackID: r.holderStackID,
                    timedOut: r.timedOut, into: &cursor, clock: &clock)
            }
        case .release(let r):
            sink.withCursor(maximumBytes: ReleaseRecord.maximumBodyBytes) { cursor in
                ReleaseRecord.encodeBody(
                    lockID: r.lockID, threadID: r.threadID, timeNanoseconds: r.timeNanoseconds,
                    holdNanoseconds: r.holdNanoseconds, holderStackID: r.holderStackID,
                    holdMeasuredFromAcquisition: r.holdMeasuredFromAcquisition, into: &cursor, clock: &clock)
            }
        case .lockStatistics(let r):
            sink.varint(r.lockID)
            r.counters.encode(into: &sink)
        case .drops(let r):
            sink.varint(r.threadID)
            sink.varint(r.droppedEvents)
        case .checkpoint(let r):
            sink.varint(r.timeNanoseconds)
        case .end(let r):
            sink.varint(r.timeNanoseconds)
        case .lockOrder(let r):
            sink.varint(r.heldLockID)
            sink.varint(r.acquiredLockID)
            sink.varint(r.threadID)
            sink.varint(r.stackID)
        case .deadlock(let r):
            r.encodeBody(into: &sink)
        case .stall(let r):
            r.encodeBody(into: &sink)
        case .foldedLocks(let r):
            sink.varint(r.lockID)
            sink.varint(r.foldedLocks)
        }
    }

    /// Reads one body of a known tag. Bytes after the known fields are ignored (newer writers
    /// may append fields).
    static func decodeBody(
        tag: RecordTag, from source: inout ByteSource, clock: inout ChunkClock
    ) throws(DecodeFailure) -> TraceRecord {
        switch tag {
        case .process:
            let pid = Int32(bitPattern: try source.varint32())
            let name = try source.string()
            let wall = try source.varint()
            let start = try source.varint()
            let clockSource = try source.string()
            return .process(
                ProcessRecord(
                    pid: pid, processName: name, startWallNanoseconds: wall, startNanoseconds: start,
                    clockSource: clockSource))
        case .thread:
            return .thread(
                ThreadRecord(
                    threadID: try source.varint32(), systemThreadID: try source.varint(),
                    name: try source.string()))
        case .lock:
            let lockID = try source.varint32()
            let rawKind = try source.byte()
            guard let kind = LockKind(rawValue: rawKind) else {
                throw DecodeFailure(reason: "lock \(lockID) has unknown kind \(rawKind)")
            }
            return .lock(
                LockRecord(lockID: lockID, kind: kind, name: try source.string(), site: try source.string()))
        case .module:
            return .module(
                ModuleRecord(
                    moduleID: try source.varint32(), path: try source.string(), baseAddress: try source.varint()))
        case .stack:
            let stackID = try source.varint32()
            let count = try source.count(limit: TraceLimits.maximumFrames, minimumBytes: 2)
            var frames: [Frame] = []
            frames.reserveCapacity(count)
            for _ in 0..<count {
                frames.append(Frame(moduleID: try source.varint32(), offset: try source.varint()))
            }
            return .stack(StackRecord(stackID: stackID, frames: frames))
        case .symbol:
            let frame = Frame(moduleID: try source.varint32(), offset: try source.varint())
            let function = try source.string()
            let file = try source.string()
            let line = try source.varint32()
            return .symbol(
                SymbolRecord(
                    frame: frame, function: function, file: file.isEmpty ? nil : file,
                    line: line == 0 ? nil : line))
        case .contention:
            return .contention(try ContentionRecord.decodeBody(from: &source, clock: &clock))
        case .release:
            return .release(try ReleaseRecord.decodeBody(from: &source, clock: &clock))
        case .lockStatistics:
            let lockID = try source.varint32()
            return .lockStatistics(LockStatisticsRecord(lockID: lockID, counters: try LockCounters(decoding: &source)))
        case .drops:
            return .drops(DropRecord(threadID: try source.varint32(), droppedEvents: try source.varint()))
        case .checkpoint:
            return .checkpoint(CheckpointRecord(timeNanoseconds: try source.varint()))
        case .end:
            return .end(EndRecord(timeNanoseconds: try source.varint()))
        case .lockOrder:
            return .lockOrder(
                LockOrderRecord(
                    heldLockID: try source.varint32(), acquiredLockID: try source.varint32(),
                    threadID: try source.varint32(), stackID: try source.varint32()))
        case .deadlock:
            return .deadlock(try DeadlockRecord.decodeBody(from: &source))
        case .stall:
            return .stall(try StallRecord.decodeBody(from: &source))
        case .foldedLocks:
            return .foldedLocks(FoldedLocksRecord(lockID: try source.varint32(), foldedLocks: try source.varint()))
        }
    }
}

// The two event bodies, the bulk of every trace. ``TraceRecord/decodeBody(tag:from:clock:)`` and
// the reader's event path (``DecodedChunk``) both decode them here: one definition of their bytes.
// `@_transparent` rather than `@inline(__always)`, which the optimizer did not honour here: inlined
// into the chunk loop, the body's read position stays in a register (callgrind: 329 → 301
// instructions per event, docs/performance.md).

extension ContentionRecord {
    /// Reads a `contention` body; the fields ``TraceRecord/encodeBody(into:clock:)`` writes, in order.
    @_transparent
    static func decodeBody(from source: inout ByteSource, clock: inout ChunkClock) throws(DecodeFailure) -> Self {
        ContentionRecord(
            lockID: try source.varint32(), threadID: try source.varint32(),
            timeNanoseconds: clock.time(adding: try source.signedVarint()),
            waitNanoseconds: try source.varint(), waiterStackID: try source.varint32(),
            holderStackID: try source.varint32(), timedOut: try source.byte() != 0)
    }
}

extension ReleaseRecord {
    /// Reads a `release` body; the fields ``TraceRecord/encodeBody(into:clock:)`` writes, in order.
    @_transparent
    static func decodeBody(from source: inout ByteSource, clock: inout ChunkClock) throws(DecodeFailure) -> Self {
        ReleaseRecord(
            lockID: try source.varint32(), threadID: try source.varint32(),
            timeNanoseconds: clock.time(adding: try source.signedVarint()),
            holdNanoseconds: try source.varint(), holderStackID: try source.varint32(),
            holdMeasuredFromAcquisition: try source.byte() != 0)
    }
}

extension LockCounters {
    /// The body of a `lockStatistics` record after the lock id (docs/trace-format.md): the
    /// counters before ``LockCounter/firstAfterHistogram``, the histogram without its trailing
    /// empty buckets (count, then buckets), then the others.
    func encode(into sink: inout ByteSink) {
        for counter in LockCounter.allCases where counter.rawValue < LockCounter.firstAfterHistogram.rawValue {
            sink.varint(self[counter])
        }
        let histogram = waitHistogram.prefix(TraceLimits.histogramBuckets)
        let used = histogram.lastIndex(where: { $0 != 0 }).map { $0 + 1 } ?? 0
        sink.varint(UInt64(used))
        for bucket in histogram.prefix(used) { sink.varint(bucket) }
        for counter in LockCounter.allCases where counter.rawValue >= LockCounter.firstAfterHistogram.rawValue {
            sink.varint(self[counter])
        }
    }

    /// Reads what ``encode(into:)`` writes. The counters after the histogram may be missing (a
    /// trace written before they existed): they read as 0.
    init(decoding source: inout ByteSource) throws(DecodeFailure) {
        self.init()
        for counter in LockCounter.allCases where counter.rawValue < LockCounter.firstAfterHistogram.rawValue {
            self[counter] = try source.varint()
        }
        let buckets = try source.count(limit: TraceLimits.histogramBuckets)
        waitHistogram.reserveCapacity(buckets)
        for _ in 0..<buckets { waitHistogram.append(try source.varint()) }
        for counter in LockCounter.allCases where counter.rawValue >= LockCounter.firstAfterHistogram.rawValue {
            guard !source.isAtEnd else { break }
            self[counter] = try source.varint()
        }
    }
}

import Foundation  // memcmp

/// One process's raw log, as liblockprof-preload.so wrote it (docs/trace-format.md, "Preload raw
/// log"): what `lockprof record` reads after the program exits to write the trace.
///
/// Addresses are absolute, in the recorded process; ``PreloadModule`` says which file each range
/// belongs to. A log cut short (the program was killed) reads up to its last whole record and
/// says where it was cut (``cutAtByte``).
struct PreloadLog {
    /// The bytes every raw log starts with (then its version, then 7 bytes of zeros).
    static let magic = Array("LPRAWLOG".utf8)
    /// The header's size: magic, version, padding.
    static let headerSize = 16

    /// The process the log describes.
    struct Process {
        var pid: Int32
        var startNanoseconds: UInt64
        var startWallNanoseconds: UInt64
        var name: String
        var executablePath: String
    }

    /// A lock lifetime: its address, kind and the interned stack that created it (or first used it).
    struct Lock {
        var id: UInt32
        var address: UInt64
        var kind: UInt8
        var creationStackID: UInt32
    }

    /// A contention (a wait) or a release that found waiters.
    struct Event {
        var lockID: UInt32
        var threadID: UInt32
        var timeNanoseconds: UInt64
        /// Wait (contention) or hold (release).
        var durationNanoseconds: UInt64
        /// Contention: bit 0 timed out, bit 1 shared. Release: bit 0 hold timed from the acquisition.
        var flags: UInt8
        /// Its frames: the index of their list in ``PreloadLog/eventStacks``.
        var stack: Int
    }

    /// A pair of locks taken in this order (`acquired` while `held` was held), met for the first
    /// time in the process by `threadID` at `frames`.
    struct LockOrder {
        var heldLockID: UInt32
        var acquiredLockID: UInt32
        var threadID: UInt32
        var frames: [UInt64]
    }

    /// The counters the library keeps per lock (the rest come from the events).
    struct Statistics {
        var acquisitions: UInt64
        /// Re-entries (recursive mutex) or shared acquisitions (rwlock).
        var secondary: UInt64
        var failedTryLocks: UInt64
        var sampledHolds: UInt64
        var sampledHoldNanoseconds: UInt64
        var conditionWaitNanoseconds: UInt64
        var conditionTimeouts: UInt64
        /// Conditions: pthread_cond_signal calls (0 in a log of a library that did not count them).
        var signals: UInt64 = 0
        /// Conditions: pthread_cond_broadcast calls.
        var broadcasts: UInt64 = 0
        /// Wall time of the timed holds whose holder's CPU clock was read (0 in an older log).
        var cpuMeasuredHoldNanoseconds: UInt64 = 0
        /// The holders' CPU time over those holds.
        var holderCPUNanoseconds: UInt64 = 0
    }

    var process: Process?
    var threads: [UInt32: String] = [:]
    var locks: [UInt32: Lock] = [:]
    var stacks: [UInt32: [UInt64]] = [:]
    var contentions: [Event] = []
    var releases: [Event] = []
    /// The distinct frame lists of ``contentions`` and ``releases``, each stored once: a run's
    /// millions of events share a few stacks, and an event is then plain values, no allocation.
    var eventStacks: [[UInt64]] = []
    var statistics: [UInt32: Statistics] = [:]
    var lockOrders: [LockOrder] = []
    var modules: [PreloadModule] = []
    var endNanoseconds: UInt64?
    /// Where the log ends inside a record (the process was killed while writing, or the file was
    /// cut): what precedes is read, the rest is not. Nil when it ends after a whole record.
    var cutAtByte: Int?

    /// The log could not be read at all (not a raw log); a log cut short is not an error.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The log in `bytes`.
    init(bytes: [UInt8]) throws(Failure) {
        let magicPresent = bytes.prefix(Self.magic.count).elementsEqual(Self.magic.prefix(min(bytes.count, Self.magic.count)))
        guard !bytes.isEmpty, magicPresent else { throw Failure(description: "not a lockprof preload log") }
        guard bytes.count >= Self.headerSize else {
            throw Failure(description: "preload raw log header is cut short (\(bytes.count) of \(Self.headerSize) bytes)")
        }
        guard bytes[8] == 1 else { throw Failure(description: "preload log version \(bytes[8]) is not supported") }
        var offset = Self.headerSize
        var eventStackIndex: [FrameBytes: Int] = [:]
        while offset + 5 <= bytes.count {
            let tag = bytes[offset]
            var header = RawCursor(bytes: bytes, offset: offset + 1, end: offset + 5)
            guard let length = header.u32(), offset + 5 + Int(length) <= bytes.count else { break }
            var body = RawCursor(bytes: bytes, offset: offset + 5, end: offset + 5 + Int(length))
            offset += 5 + Int(length)
            read(tag: tag, body: &body, eventStackIndex: &eventStackIndex)
        }
        if offset < bytes.count { cutAtByte = offset }
    }

    /// Reads one record; `eventStackIndex` finds an event's frames (their bytes) in ``eventStacks``.
    private mutating func read(tag: UInt8, body: inout RawCursor, eventStackIndex: inout [FrameBytes: Int]) {
        switch tag {
        case 1:
            guard let pid = body.u32(), let start = body.u64(), let wall = body.u64(), let name = body.string(),
                let executable = body.string()
            else { return }
            process = Process(
                pid: Int32(bitPattern: pid), startNanoseconds: start, startWallNanoseconds: wall, name: name,
                executablePath: executable)
        case 2:
            guard let thread = body.u32(), let name = body.string() else { return }
            threads[thread] = name
        case 3:
            guard let id = body.u32(), let address = body.u64(), let kind = body.u8(), let stack = body.u32() else { return }
            locks[id] = Lock(id: id, address: address, kind: kind, creationStackID: stack)
        case 4:
            guard let id = body.u32(), let frames = body.frames() else { return }
            stacks[id] = frames
        case 5, 6:
            guard let lock = body.u32(), let thread = body.u32(), let time = body.u64(), let duration = body.u64(),
                let flags = body.u8(), let frameBytes = body.frameBytes()
            else { return }
            let stack: Int
            if let known = eventStackIndex[FrameBytes(bytes: frameBytes)] {
                stack = known
            } else {
                stack = eventStacks.count
                eventStackIndex[FrameBytes(bytes: frameBytes)] = stack
                eventStacks.append(RawCursor.frames(in: frameBytes))
            }
            let event = Event(
                lockID: lock, threadID: thread, timeNanoseconds: time, durationNanoseconds: duration, flags: flags,
                stack: stack)
            if tag == 5 { contentions.append(event) } else { releases.append(event) }
        case 7:
            guard let lock = body.u32(), let acquisitions = body.u64(), let secondary = body.u64(),
                let failed = body.u64(), let sampled = body.u64(), let sampledNanoseconds = body.u64(),
                let conditionWait = body.u64(), let conditionTimeouts = body.u64()
            else { return }
            statistics[lock] = Statistics(
                acquisitions: acquisitions, secondary: secondary, failedTryLocks: failed, sampledHolds: sampled,
                sampledHoldNanoseconds: sampledNanoseconds, conditionWaitNanoseconds: conditionWait,
                conditionTimeouts: conditionTimeouts, signals: body.u64() ?? 0, broadcasts: body.u64() ?? 0,
                cpuMeasuredHoldNanoseconds: body.u64() ?? 0, holderCPUNanoseconds: body.u64() ?? 0)
        case 8:
            guard let base = body.u64(), let path = body.string(), let buildID = body.counted(),
                let rangeCount = body.u16()
            else { return }
            var ranges: [Range<UInt64>] = []
            for _ in 0..<rangeCount {
                guard let start = body.u64(), let end = body.u64(), start < end else { return }
                ranges.append(start..<end)
            }
            let module = PreloadModule(path: path, baseAddress: base, buildID: buildID, ranges: ranges)
            if !modules.contains(module) { modules.append(module) }
        case 9:
            endNanoseconds = body.u64()
        case 10:
            guard let held = body.u32(), let acquired = body.u32(), let thread = body.u32(), let frames = body.frames()
            else { return }
            lockOrders.append(LockOrder(heldLockID: held, acquiredLockID: acquired, threadID: thread, frames: frames))
        default:
            return  // a record kind this reader does not know
        }
    }
}

/// A file mapped into the recorded process: frames in `ranges` belong to it.
struct PreloadModule: Equatable {
    var path: String
    /// Load bias: address − bias is the file's own virtual address, what symbolizers take.
    var baseAddress: UInt64
    /// The GNU build id of the file that was mapped (empty when it had none).
    var buildID: [UInt8]
    var ranges: [Range<UInt64>]

    /// Whether `address` falls in one of the module's segments.
    func contains(_ address: UInt64) -> Bool { ranges.contains { $0.contains(address) } }
}

/// The bytes of one event's frames, hashed and compared as bytes (one hash of the whole run of
/// bytes, not one per byte): the key under which ``PreloadLog`` stores each distinct stack once.
private struct FrameBytes: Hashable {
    var bytes: ArraySlice<UInt8>

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (left: FrameBytes, right: FrameBytes) -> Bool {
        guard left.bytes.count == right.bytes.count else { return false }
        guard !left.bytes.isEmpty else { return true }
        return left.bytes.withUnsafeBytes { l in
            right.bytes.withUnsafeBytes { r in memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
        }
    }
}

/// Little-endian fields of one raw record's body; every read is bounded by the record's end.
private struct RawCursor {
    let bytes: [UInt8]
    var offset: Int
    let end: Int

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, offset + count <= end else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func integer<Value: FixedWidthInteger & BitwiseCopyable>(_: Value.Type) -> Value? {
        let size = MemoryLayout<Value>.size
        guard offset + size <= end else { return nil }
        defer { offset += size }
        return Value(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Value.self) })
    }

    mutating func u8() -> UInt8? { integer(UInt8.self) }
    mutating func u16() -> UInt16? { integer(UInt16.self) }
    mutating func u32() -> UInt32? { integer(UInt32.self) }
    mutating func u64() -> UInt64? { integer(UInt64.self) }

    mutating func counted() -> [UInt8]? {
        guard let count = u16(), let slice = take(Int(count)) else { return nil }
        return Array(slice)
    }

    mutating func string() -> String? { counted().map { String(decoding: $0, as: UTF8.self) } }

    mutating func frames() -> [UInt64]? {
        guard let count = u16() else { return nil }
        var frames: [UInt64] = []
        frames.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let frame = u64() else { return nil }
            frames.append(frame)
        }
        return frames
    }

    /// The bytes of a frame list (its count, then the frames), without decoding them.
    mutating func frameBytes() -> ArraySlice<UInt8>? {
        guard let count = u16() else { return nil }
        return take(Int(count) * 8)
    }

    /// The frames whose bytes ``frameBytes()`` returned.
    static func frames(in bytes: ArraySlice<UInt8>) -> [UInt64] {
        var cursor = RawCursor(bytes: Array(bytes), offset: 0, end: bytes.count)
        return (0..<bytes.count / 8).map { _ in cursor.u64() ?? 0 }
    }
}

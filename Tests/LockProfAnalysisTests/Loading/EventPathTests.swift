import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

/// `TraceLoader` sums `contention` and `release` events straight from the reader's runs of
/// `TraceEvent`s (the fast path). The record path — every record from `TraceReader.read(bytes:_:)`
/// as a `TraceRecord` into `ProcessTrace.add` — is the definition it must match: the same traces
/// and the same `ContentionAnalysis` report, on real, generated and damaged traces.
@Suite struct EventPathTests {
    enum Outcome: Equatable {
        case loaded([ProcessTrace], ContentionReport)
        /// The file has chunks but none intact (the loader's `noIntactChunks`).
        case noIntactChunks
    }

    /// The fast path: what `lockprof report` does, from memory.
    static func fastPath(_ bytes: [UInt8], path: String) throws -> Outcome {
        do {
            let loaded = try TraceLoader.load(bytes: bytes, path: path)
            return .loaded(loaded.processes, ContentionAnalysis.report(processes: loaded.processes, notes: loaded.notes))
        } catch .noIntactChunks {
            return .noIntactChunks
        }
    }

    /// The record path: each record through `ProcessTrace.add`, a new trace at each `process`
    /// record of another process, the reader's damage on the first trace.
    static func recordPath(_ bytes: [UInt8], path: String) throws -> Outcome {
        var traces = [ProcessTrace(files: [path])]
        let summary = try TraceReader.read(bytes: bytes, path: path) { record in
            if case .process(let process) = record, let current = traces[traces.count - 1].process, current != process {
                traces.append(ProcessTrace(files: [path]))
            }
            traces[traces.count - 1].add(record)
        }
        if summary.chunks == 0 {
            if !summary.damage.isEmpty { return .noIntactChunks }
            traces = []
        } else {
            traces[0].damage = summary.damage.map { FileDamage(path: path, damage: $0) }
        }
        let notes: [ReportNote] = traces.isEmpty ? [.emptyTrace(path: path)] : []
        return .loaded(traces, ContentionAnalysis.report(processes: traces, notes: notes))
    }

    static func expectSamePaths(_ bytes: [UInt8], _ comment: Comment? = nil) throws {
        let fast = try fastPath(bytes, path: "trace.bin")
        let slow = try recordPath(bytes, path: "trace.bin")
        #expect(fast == slow, comment)
    }

    /// Contention and release events summed over every lock of every trace.
    static func eventCount(_ outcome: Outcome) -> UInt64 {
        guard case .loaded(let traces, _) = outcome else { return 0 }
        return traces.flatMap(\.events.values).reduce(0) { $0 + $1.events + $1.releases.values.reduce(0) { $0 + $1.count } }
    }

    /// A trace shaped like the one `TraceGenerator` writes (tools/Benchmarks), small: 8 threads,
    /// 16 locks (half the events on 2), 64 stacks each written before its first use, events in
    /// per-thread batches whose times go back and forth, 60% contention (a third without waiter
    /// stack), counters, drops and a checkpoint every `flushEvents` events closing a chunk,
    /// symbols and `end` last. Returns the chunks and the events written.
    static func generatedChunks(events eventCount: Int, flushEvents: Int = 500) -> ([[TraceRecord]], Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func below(_ bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) % UInt64(bound))
        }
        var chunks: [[TraceRecord]] = [
            [processRecord(), bankModule] + (1...8).map { .thread(ThreadRecord(threadID: UInt32($0), systemThreadID: UInt64(100 + $0), name: "worker-\($0)")) }
                + (1...16).map { lockRecord(UInt32($0), "lock-\($0)") }
        ]
        var stackWritten = Set<UInt32>()
        func stackID() -> UInt32 {
            let id = UInt32(below(4) == 0 ? 1 + below(64) : 1 + below(16))
            if stackWritten.insert(id).inserted {
                chunks[chunks.count - 1].append(stack(id, [0x100 + UInt64(id) * 0x10, 0x2000, 0x3000]))
            }
            return id
        }
        var clock = start
        var written = 0
        while written < eventCount {
            let drainStart = clock
            for thread in 1...8 where written < eventCount {
                var time = drainStart
                for _ in 0..<min(25, eventCount - written) {
                    time += UInt64(50 + below(2_000))
                    let lock = UInt32(below(2) == 0 ? 1 + below(2) : 1 + below(16))
                    let wait = UInt64(1) << UInt64(6 + below(15)) + UInt64(below(1_000))
                    if below(10) < 6 {
                        let waiter = below(3) == 0 ? 0 : stackID()
                        let holder = below(4) == 0 ? 0 : stackID()
                        chunks[chunks.count - 1].append(
                            contention(lock: lock, wait: wait, at: time, waiter: waiter, holder: holder, thread: UInt32(thread), timedOut: below(50) == 0))
                    } else {
                        let holder = below(4) == 0 ? 0 : stackID()
                        chunks[chunks.count - 1].append(release(lock: lock, hold: wait, holder: holder, at: time))
                    }
                    written += 1
                    if written % flushEvents == 0 {
                        chunks[chunks.count - 1] += (1...16).map { counters(UInt32($0), acquisitions: UInt64(written)) }
                        chunks[chunks.count - 1].append(.checkpoint(CheckpointRecord(timeNanoseconds: time)))
                        chunks.append([])
                    }
                }
                clock = max(clock, time)
            }
        }
        chunks[chunks.count - 1] += stackWritten.sorted().map { symbol(0x100 + UInt64($0) * 0x10, "function\($0)") }
        chunks[chunks.count - 1].append(.end(EndRecord(timeNanoseconds: clock + 1_000)))
        return (chunks, written)
    }

    static func bytes(of chunks: [[TraceRecord]]) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: try writeTrace(chunks))))
    }

    @Test func recordedTracesGiveTheSameReport() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".bin") }.sorted()
        #expect(names.contains("bank-account.bin"))
        for name in names {
            let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
            try Self.expectSamePaths(bytes, "\(name)")
        }
        // The bank-account recording's 121 acquisitions of demo.account include contended ones:
        // the comparison above covered events, not only definitions.
        let bank = Array(try Data(contentsOf: fixtures.appendingPathComponent("bank-account.bin")))
        #expect(Self.eventCount(try Self.fastPath(bank, path: "bank-account.bin")) > 0)
    }

    @Test func generatedTraceGivesTheSameReportAndEveryEvent() throws {
        let (chunks, written) = Self.generatedChunks(events: 6_000)
        let bytes = try Self.bytes(of: chunks)
        let fast = try Self.fastPath(bytes, path: "trace.bin")
        #expect(fast == (try Self.recordPath(bytes, path: "trace.bin")))
        #expect(Self.eventCount(fast) == UInt64(written))
        guard case .loaded(let traces, let report) = fast else { return }
        #expect(traces.count == 1)
        #expect(traces.first?.events.count == 16)
        #expect(report.isComplete)
    }

    @Test func aCorruptChunkIsLostWholeOnBothPaths() throws {
        let (chunks, written) = Self.generatedChunks(events: 2_000)
        let bytes = try Self.bytes(of: chunks)
        // Flip one byte in the middle of the third chunk's payload: its checksum fails.
        let ends = chunkEnds(bytes)
        #expect(ends.count == chunks.count)
        var damaged = bytes
        damaged[(ends[1] + ends[2]) / 2] ^= 0x10
        try Self.expectSamePaths(damaged)
        let lost = chunks[2].count { record in
            switch record {
            case .contention, .release: true
            default: false
            }
        }
        #expect(lost > 0)
        #expect(Self.eventCount(try Self.fastPath(damaged, path: "trace.bin")) == UInt64(written - lost))
    }

    @Test func aChunkThatFailsToDecodeAfterItsChecksumIsLostWholeOnBothPaths() throws {
        // A chunk of valid events ending in a release whose body stops after its lock id: it passes
        // its checksum, does not decode, and none of its events may be counted.
        var encoder = ChunkEncoder()
        for index in 0..<40 {
            encoder.append(contention(lock: 1, wait: 1_000, at: start + UInt64(index), waiter: 0, holder: 0))
        }
        let payload = Array(encoder.finishChunk(sequence: 1)[TraceFileLayout.chunkHeaderSize...]) + [8, 1, 1]
        var first = ChunkEncoder()
        for record in [processRecord(), lockRecord(1, "a"), release(lock: 1, hold: 5, holder: 0)] { first.append(record) }
        var last = ChunkEncoder()
        last.append(end(after: second))
        let bytes = TraceFileLayout.fileHeader() + first.finishChunk(sequence: 0)
            + framedChunk(payload: payload, sequence: 1, records: 41) + last.finishChunk(sequence: 2)
        try Self.expectSamePaths(bytes)
        let fast = try Self.fastPath(bytes, path: "trace.bin")
        #expect(Self.eventCount(fast) == 1)
        guard case .loaded(let traces, _) = fast else { return }
        #expect(traces.first?.damage.count == 1)
    }

    @Test func everyTruncationGivesTheSameTraceOnBothPaths() throws {
        let (chunks, _) = Self.generatedChunks(events: 120, flushEvents: 40)
        let bytes = try Self.bytes(of: chunks)
        for cut in TraceFileLayout.fileHeaderSize...bytes.count {
            try Self.expectSamePaths(Array(bytes[..<cut]), "cut at \(cut)")
        }
    }

    @Test func idsPastTheDenseLimitsGiveTheSameReport() throws {
        // Lock ids past 2^16, stack ids past 2^14, stack ids rising through a lock's region (so
        // its cells move), and 20 locks reaching stack 16 383 (past the budget of 2^18 cells).
        var records = EventAccumulatorTests.events(count: 3_000, locks: [1, 2, 70_000, UInt32.max], stacks: [0, 3, 200, 16_383, 16_384, UInt32.max])
        records += (1...20).flatMap { lock in EventAccumulatorTests.events(count: 30, locks: [UInt32(lock)], stacks: [0, 5, 16_383]) }
        let (before, after) = (Array(records.prefix(1_500)), Array(records.dropFirst(1_500)))
        let bytes = try Self.bytes(of: [[processRecord(), lockRecord(1, "a")] + before, after + [end(after: 10 * second)]])
        let fast = try Self.fastPath(bytes, path: "trace.bin")
        #expect(fast == (try Self.recordPath(bytes, path: "trace.bin")))
        #expect(Self.eventCount(fast) == UInt64(records.count))
    }

    @Test func mergedTracesSplitTheirEventsByProcessOnBothPaths() throws {
        // A file holding two processes, as `lockprof merge` writes: events follow their process.
        let (chunks, _) = Self.generatedChunks(events: 600, flushEvents: 200)
        let other = chunks.map { chunk in
            chunk.map { record -> TraceRecord in
                if case .process = record { return processRecord(pid: 77) }
                return record
            }
        }
        let bytes = try Self.bytes(of: chunks.dropLast() + other)
        let fast = try Self.fastPath(bytes, path: "trace.bin")
        #expect(fast == (try Self.recordPath(bytes, path: "trace.bin")))
        guard case .loaded(let traces, _) = fast else { return }
        #expect(traces.map(\.pid) == [4242, 77])
    }
}

/// A chunk with `payload` as it is, framed with correct checksums.
func framedChunk(payload: [UInt8], sequence: UInt64, records: UInt32) -> [UInt8] {
    var header = TraceFileLayout.chunkMagic
    header += withUnsafeBytes(of: UInt32(payload.count).littleEndian) { Array($0) }
    header += withUnsafeBytes(of: sequence.littleEndian) { Array($0) }
    header += withUnsafeBytes(of: records.littleEndian) { Array($0) }
    header += withUnsafeBytes(of: CRC32C.checksum(payload).littleEndian) { Array($0) }
    header += withUnsafeBytes(of: CRC32C.checksum(Array(header[4..<24])).littleEndian) { Array($0) }
    return header + payload
}

/// The byte offsets where the chunks of a trace end.
func chunkEnds(_ bytes: [UInt8]) -> [Int] {
    var ends: [Int] = []
    var offset = TraceFileLayout.fileHeaderSize
    while offset + TraceFileLayout.chunkHeaderSize <= bytes.count {
        let length = bytes[(offset + 4)..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
        offset += TraceFileLayout.chunkHeaderSize + length
        ends.append(offset)
    }
    return ends
}

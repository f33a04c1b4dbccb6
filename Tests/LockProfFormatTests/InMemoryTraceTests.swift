import Foundation
import LockProfFormat
import Testing

/// A trace made in memory (``TraceWriter/encode(_:)``; that it is the file writer's bytes is in
/// TraceFileTests) and a file of another kind read as the trace its converter makes
/// (``TraceTranslation``): what `lockprof` reads a preload raw log through.
@Suite struct InMemoryTraceTests {
    @Test func anEncodedTraceReadsBackRecordForRecord() throws {
        var records: [TraceRecord] = []
        let summary = try TraceReader.read(bytes: TraceWriter.encode(everyKindOfRecord)) { records.append($0) }
        #expect(records == everyKindOfRecord)
        #expect(summary.damage.isEmpty)
    }

    /// A converter for files starting `TESTRAW!`: the fixture's trace, or an error for a cut header.
    static let registered: Void = {
        TraceTranslation.register(magic: Array("TESTRAW!".utf8)) { path, bytes throws(TraceError) in
            guard bytes.count >= 8 else { throw .cannotConvert(path: path, reason: "header cut at \(bytes.count) bytes") }
            return TraceWriter.encode(everyKindOfRecord)
        }
    }()

    @Test func aFileWithARegisteredMagicIsReadAsTheTraceItsConverterMakes() throws {
        _ = Self.registered
        let (path, directory) = temporaryTracePath("raw.bin")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("TESTRAW! anything after the magic".utf8).write(to: URL(fileURLWithPath: path))
        let (records, summary) = try TraceReader.readAll(path: path)
        #expect(records == everyKindOfRecord)
        #expect(summary.path == path)
    }

    @Test func aFileCutInsideARegisteredMagicIsTheConvertersError() throws {
        _ = Self.registered
        let (path, directory) = temporaryTracePath("cut.bin")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("TESTR".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TraceError.cannotConvert(path: path, reason: "header cut at 5 bytes")) {
            try TraceReader.readAll(path: path)
        }
    }

    @Test func anOrdinaryTraceIsReadAsItIs() throws {
        _ = Self.registered
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try TraceWriter(path: path)
        for record in everyKindOfRecord.prefix(3) { try writer.append(record) }
        try writer.close()
        #expect(try TraceReader.readAll(path: path).records == Array(everyKindOfRecord.prefix(3)))
    }
}

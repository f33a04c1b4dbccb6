import Foundation
import Testing
import LockProfFormat

@Suite struct TraceFileTests {
    @Test func aTraceWrittenToDiskReadsBackWithEveryRecord() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try TraceWriter(path: path)
        for record in everyKindOfRecord { try writer.append(record) }
        try writer.close()
        let (records, summary) = try TraceReader.readAll(path: path)
        #expect(records == everyKindOfRecord)
        #expect(summary.damage.isEmpty)
        #expect(summary.bytes == writer.bytesWritten)
        // The same records encoded in memory are the same bytes.
        #expect(TraceWriter.encode(everyKindOfRecord) == [UInt8](try #require(FileManager.default.contents(atPath: path))))
    }

    @Test func largeTracesAreSplitIntoManyChunksAndReadBackInOrder() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try TraceWriter(path: path)
        let events: [TraceRecord] = (0..<50_000).map { (index: Int) -> TraceRecord in
            let n = UInt64(index)
            let record = ContentionRecord(
                lockID: UInt32(n % 5), threadID: UInt32(n % 3), timeNanoseconds: n * 1_000,
                waitNanoseconds: n % 977, waiterStackID: 1, holderStackID: 2)
            return .contention(record)
        }
        for event in events { try writer.append(event) }
        try writer.close()
        var count = 0
        var inOrder = true
        let summary = try TraceReader.read(path: path) { record in
            inOrder = inOrder && record == events[count]
            count += 1
        }
        #expect(count == events.count)
        #expect(inOrder)
        #expect(summary.chunks > 1)
    }

    @Test func recordsKeptTogetherShareOneChunkAndLaterOnesAreChunkedAsUsual() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try TraceWriter(path: path)
        // About 5 × 64 KiB of events kept together, then as many appended as usual.
        let batch = 30_000
        func event(_ index: Int) -> TraceRecord {
            .contention(
                ContentionRecord(
                    lockID: 1, threadID: 1, timeNanoseconds: UInt64(index) * 1_000, waitNanoseconds: 5_000,
                    waiterStackID: 1, holderStackID: 2))
        }
        let headerBytes = writer.bytesWritten
        var writtenInside: UInt64 = 0
        try writer.keepTogether { () throws(TraceError) in
            for index in 0..<batch { try writer.append(event(index)) }
            writtenInside = writer.bytesWritten
        }
        #expect(writtenInside == headerBytes)  // nothing written while kept together
        #expect(writer.bytesWritten > headerBytes + UInt64(4 * TraceWriter.targetChunkBytes))
        let kept = try TraceReader.read(path: path) { _ in }
        #expect(kept.chunks == 1)
        #expect(kept.records == batch)

        for index in batch..<(2 * batch) { try writer.append(event(index)) }
        try writer.close()
        var inOrder = true
        var count = 0
        let all = try TraceReader.read(path: path) { record in
            inOrder = inOrder && record == event(count)
            count += 1
        }
        #expect(count == 2 * batch && inOrder)
        #expect(all.chunks >= 1 + 4)
    }

    @Test func theFileIsPrivateToItsOwner() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TraceWriter(path: path).close()
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func anExistingFileIsKeptUnlessOverwritingIsAsked() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TraceError.alreadyExists(path: path)) { try TraceWriter(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        try TraceWriter(path: path, overwrite: true).close()
        #expect(try TraceReader.readAll(path: path).records.isEmpty)
    }

    @Test func aSymlinkPlantedAtThePathIsNeverFollowed() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("victim").path
        try Data("victim".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: TraceError.self) { try TraceWriter(path: path, overwrite: true) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "victim")
    }

    @Test func missingUnreadableAndForeignFilesAreErrorsNamingThePath() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: TraceError.cannotOpen(path: path, reason: "No such file or directory")) {
            try TraceReader.readAll(path: path)
        }
        #expect(throws: TraceError.cannotOpen(path: directory.path, reason: "is a directory")) {
            try TraceReader.readAll(path: directory.path)
        }
        try Data("#!/bin/sh\necho not a trace\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TraceError.notATrace(path: path)) { try TraceReader.readAll(path: path) }
        #expect(TraceError.notATrace(path: path).description == "\(path): not a lockprof trace (bad magic)")
    }

    @Test func anUnwritableDirectoryIsAnErrorNamingThePath() {
        let path = "/proc/lockprof-cannot-write-here/trace.bin"
        #expect(throws: TraceError.self) { try TraceWriter(path: path) }
        do { _ = try TraceWriter(path: path) } catch { #expect(error.description.hasPrefix(path)) }
    }
}

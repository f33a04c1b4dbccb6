import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct TraceLoaderTests {
    @Test func readsATraceWrittenByTheFormatWriter() throws {
        let path = try writeTrace([Array(accountRun.dropLast()), [accountRun.last!]])
        let report = try ContentionAnalysis.report(paths: [path])
        #expect(report.isComplete)
        #expect(report.notes == [.stacksSampled(locks: ["account"])])
        #expect(report.locks.first?.acquisitions == 64)
        #expect(report.locks.first?.holderStacks.first?.weightNanoseconds == 7_500_000)
        #expect(report.processes.first?.files == [path])
    }

    @Test func truncatedTraceKeepsItsIntactChunksAndSaysWhatWasLost() throws {
        let firstChunk: [TraceRecord] = [
            processRecord(), lockRecord(1, "account"), counters(1, acquisitions: 10, contended: 2, wait: 30 * millisecond),
            .checkpoint(CheckpointRecord(timeNanoseconds: start + 100 * millisecond)),
        ]
        let secondChunk: [TraceRecord] = [
            counters(1, acquisitions: 99, contended: 9, wait: 90 * millisecond), end(after: 200 * millisecond),
        ]
        let path = try writeTrace([firstChunk, secondChunk])
        let whole = try fileSize(path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(whole - 5))
        try handle.close()

        let report = try ContentionAnalysis.report(paths: [path])
        #expect(!report.isComplete)
        #expect(report.runtimeNanoseconds == 100 * millisecond)
        #expect(report.locks.first?.acquisitions == 10)
        #expect(report.locks.first?.waitFraction == 0.3)
        guard case .incompleteTrace(let notePath, let cut?, let lost, let runtime) = report.notes.first else {
            Issue.record("expected an incomplete-trace note first, got \(report.notes)")
            return
        }
        #expect(notePath == path)
        #expect(lost == UInt64(whole - 5) - cut)
        #expect(runtime == 100 * millisecond)
        #expect(report.notes.first?.description.contains("trace is incomplete: cut at byte \(cut)") == true)
    }

    @Test func missingFileIsAnError() {
        #expect(throws: AnalysisError.unreadableTrace(.cannotOpen(path: "/nonexistent/t.trace", reason: "No such file or directory"))) {
            try TraceLoader.load(paths: ["/nonexistent/t.trace"])
        }
    }

    @Test func fileThatIsNotATraceIsAnError() throws {
        let path = try writeTrace([])
        try Data("hello, this is not a trace\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: AnalysisError.unreadableTrace(.notATrace(path: path))) {
            try TraceLoader.load(paths: [path])
        }
        #expect(AnalysisError.unreadableTrace(.notATrace(path: "x.bin")).description == "x.bin: not a lockprof trace (bad magic)")
    }

    @Test func traceWithOnlyAHeaderIsAnEmptyReport() throws {
        let path = try writeTrace([])
        let report = try ContentionAnalysis.report(paths: [path, path])
        #expect(report.locks.isEmpty)
        #expect(report.notes == [.emptyTrace(path: path), .duplicateFile(path: path)])
    }

    @Test func noPathsIsAnError() {
        #expect(throws: AnalysisError.noTraces) { try TraceLoader.load(paths: []) }
    }

    @Test func twoFilesOfTwoProcessesAreReportedTogether() throws {
        let a = try writeTrace([[processRecord(pid: 1), lockRecord(1, "a"), counters(1, acquisitions: 7), end(after: second)]])
        let b = try writeTrace([[processRecord(pid: 2), lockRecord(1, "b"), counters(1, acquisitions: 9), end(after: second)]])
        let report = try ContentionAnalysis.report(paths: [a, b])
        #expect(report.processes.map(\.pid) == [1, 2])
        #expect(Set(report.locks.map(\.name)) == ["a", "b"])
        #expect(report.locks.map(\.acquisitions).compactMap { $0 }.sorted() == [7, 9])
    }
}

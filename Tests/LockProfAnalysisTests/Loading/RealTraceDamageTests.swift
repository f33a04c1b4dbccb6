import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

/// A real trace (Fixtures/bank-account.bin, recorded by `lockprof demo --scenario bank-account`:
/// 4 threads, 121 acquisitions of `demo.account`, stacks, modules and symbols) cut at every byte
/// and damaged at every fourth byte: each version gives a report or one line saying why not, and the
/// loader, the analysis and both renderers get through every one of them.
@Suite struct RealTraceDamageTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bank-account.bin")

    static let renderEvery = 16

    enum Outcome: Equatable {
        case report(complete: Bool, acquisitions: UInt64?)
        case error(String)
    }

    /// Reads, analyses and renders `bytes`, as `lockprof report` does with a file (`TraceLoader`
    /// reading from memory instead of disk, which the kill -9 tests cover).
    /// Rendering costs most in a debug build, so only every `renderEvery`-th version is rendered.
    static func outcome(of bytes: [UInt8], at path: String, render: Bool) throws -> Outcome {
        do {
            let loaded = try TraceLoader.load(bytes: bytes, path: path)
            let report = ContentionAnalysis.report(processes: loaded.processes, notes: loaded.notes)
            if render {
                _ = TextReportRenderer().render(report)
                _ = JSONReportRenderer().render(report)
            }
            let account = report.locks.first { $0.name == "demo.account" }
            return .report(complete: report.isComplete, acquisitions: account?.acquisitions ?? nil)
        } catch {
            return .error(error.description)
        }
    }

    @Test func everyTruncationOffsetGivesAPartialReportOrOneLineError() throws {
        let bytes = Array(try Data(contentsOf: Self.fixture))
        let path = "bank-account.bin"
        #expect(try Self.outcome(of: bytes, at: path, render: true) == .report(complete: true, acquisitions: 121))
        var partial = 0
        for cut in 0..<bytes.count {
            switch try Self.outcome(of: Array(bytes[..<cut]), at: path, render: cut % Self.renderEvery == 0) {
            case .report(let complete, let acquisitions):
                partial += 1
                // Only the bare file header is "complete": a trace with no records, which the
                // report says in a note (the recording stopped before its first flush).
                #expect(!complete || cut == TraceFileLayout.fileHeaderSize, "cut at \(cut)")
                #expect((acquisitions ?? 0) <= 121, "cut at \(cut)")
            case .error(let line):
                #expect(!line.isEmpty && !line.contains("\n"), "cut at \(cut): \(line)")
            }
        }
        // Once the first chunk is whole, every cut still gives a report.
        #expect(partial > bytes.count / 2, "\(partial) of \(bytes.count) cuts gave a report")
    }

    /// Every trace in Fixtures/ (the fuzzing corpus seeds and any input `tools/fuzz` found
    /// that once broke the reader) reads, analyses and renders, or gives one line.
    @Test func everyFixtureGivesAReportOrOneLineError() throws {
        let directory = Self.fixture.deletingLastPathComponent()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bin") }
        #expect(names.count >= 2)
        for name in names {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            if case .error(let line) = try Self.outcome(of: bytes, at: name, render: true) {
                #expect(!line.isEmpty && !line.contains("\n"), "\(name): \(line)")
            }
        }
    }

    /// Every fourth byte: a flip inside a chunk makes the reader scan byte by byte for the next
    /// chunk marker, which a debug build does slowly.
    @Test func flippedBytesGiveAReportOrOneLineError() throws {
        let bytes = Array(try Data(contentsOf: Self.fixture))
        let path = "bank-account.bin"
        for offset in stride(from: 0, to: bytes.count, by: 4) {
            var damaged = bytes
            damaged[offset] ^= 0xA5
            switch try Self.outcome(of: damaged, at: path, render: offset % Self.renderEvery == 0) {
            case .report(let complete, let acquisitions):
                // The checksums catch every flip past the file header's reserved bytes.
                #expect(!complete || (10..<12).contains(offset), "byte \(offset)")
                #expect((acquisitions ?? 0) <= 121, "byte \(offset)")
            case .error(let line):
                #expect(!line.isEmpty && !line.contains("\n"), "byte \(offset): \(line)")
            }
        }
    }
}

import Foundation
import Testing

/// `report` shows reading progress on standard error only when it is a terminal.
@Suite struct ProgressLineTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) is not installed: no terminal to test with"))
    func reportShowsProgressOnATerminalAndErasesIt() throws {
        let command = "\(CommandRunner.executable.path) report \(RecordedTraces.shared.quiet) --stacks 0"
        let result = try runTool("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("\rlockprof: reading \(RecordedTraces.shared.quiet): "))
        // The line is erased (rewritten with spaces) before the report starts.
        let erased = try #require(result.output.range(of: " records\r"))
        let rest = result.output[erased.upperBound...]
        #expect(rest.drop(while: { $0 == " " }).hasPrefix("\rlockprof report: "))
    }

    @Test func reportShowsNoProgressWhenStandardErrorIsNotATerminal() throws {
        let result = try CommandRunner.run(["report", RecordedTraces.shared.quiet])
        #expect(result.status == 0)
        #expect(result.standardError == "")
    }
}

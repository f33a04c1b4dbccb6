import Foundation
import Testing

/// `lockprof report --format html` without a browser: where the page goes, and bad paths.
@Suite struct HTMLReportCommandTests {
    let traces = RecordedTraces.shared

    @Test func unwritableOutputIsOneLineAndAFailure() throws {
        let result = try CommandRunner.run(["report", traces.contended, "--format", "html", "-o", "/nonexistent/dir/report.html"])
        #expect(result.status != 0)
        #expect(result.errorLines == ["lockprof: error: cannot write /nonexistent/dir/report.html: No such file or directory"])
        #expect(result.standardOutput.isEmpty)
    }

    @Test func withoutOutputThePageGoesToStandardOutput() throws {
        let result = try CommandRunner.run(["report", traces.quiet, "--format", "html"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("<!DOCTYPE html>\n"))
        #expect(result.standardOutput.hasSuffix("</body></html>\n"))
        // The quiet trace's one lock is never waited for: nothing flagged, nothing on the timeline.
        #expect(result.standardOutput.contains("<p class=\"verdict\" id=\"verdict\">0 of 1 lock"))
        #expect(result.standardOutput.contains("<p>No lock made a thread wait.</p>"))
    }
}

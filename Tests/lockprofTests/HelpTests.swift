import Testing

/// Every subcommand's `--help` ends with worked examples that start with `lockprof`.
@Suite struct HelpTests {
    @Test(arguments: ["report", "check", "diff", "export", "merge", "demo"])
    func helpShowsAWorkedExample(_ subcommand: String) throws {
        let result = try CommandRunner.run([subcommand, "--help"])
        #expect(result.status == 0)
        let lines = result.outputLines
        let heading = try #require(lines.firstIndex { $0.hasPrefix("Example") }, "no example in \(subcommand) --help")
        #expect(lines[heading...].contains { $0.contains("lockprof \(subcommand) ") })
    }
}

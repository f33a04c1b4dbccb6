import ArgumentParser
import LockProfAnalysis

/// `lockprof export TRACE... --format pprof|folded|chrome -o FILE`: the traces in the formats of
/// the viewers people already use.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export traces for pprof, flame graphs (folded stacks) or Perfetto (Chrome trace events).",
        discussion: """
            pprof: a gzipped profile.proto like Go's mutex profile (sample types contentions/count, \
            delay/nanoseconds, hold/nanoseconds), one sample per distinct stack, the lock's name as \
            the label `lock`. folded: `lock;outer;…;inner weight_ns` lines for flamegraph.pl, inferno \
            or speedscope. chrome: trace-event JSON with a wait and a hold slice per event, per thread, \
            for Perfetto UI or chrome://tracing. --side picks holder stacks (the code that made others \
            wait, the default) or waiter stacks.

            Examples:
              lockprof export trace.bin --format pprof -o lockprof.pb.gz && go tool pprof -top lockprof.pb.gz
              lockprof export trace.bin --format folded --side waiter -o waits.folded && flamegraph.pl waits.folded > waits.svg
              lockprof export trace.bin --format chrome -o timeline.json      # open in https://ui.perfetto.dev
            """
    )

    @Argument(help: "Trace files written by the LockProf runtime.")
    var traces: [String]

    @Option(help: "Output format.")
    var format: ExportFormat

    @Option(name: [.short, .customLong("output")], help: "Where to write the export ('-' for standard output).")
    var output: String

    @Option(help: "Weigh holder stacks (who made others wait) or waiter stacks (who waited); pprof and folded.")
    var side: StackSide = .holder

    func validate() throws {
        guard !traces.isEmpty else { throw ValidationError("Give at least one trace file.") }
        guard !output.isEmpty else { throw ValidationError("--output must be a file path, or - for standard output.") }
    }

    func run() throws {
        let bytes: [UInt8] = try CommandFailure.reporting {
            switch format {
            case .pprof: return PprofExporter(side: side).export(try ContentionAnalysis.report(paths: traces))
            case .folded: return Array(FoldedStacksExporter(side: side).export(try ContentionAnalysis.report(paths: traces)).utf8)
            case .chrome: return Array(try ChromeTraceExporter.export(paths: traces).utf8)
            }
        }
        try CommandFailure.reporting { try FileAccess.write(bytes, to: output) }
    }
}

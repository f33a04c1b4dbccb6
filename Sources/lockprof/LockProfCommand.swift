import ArgumentParser

/// `lockprof`: reads the traces the LockProf runtime writes and says which locks made threads wait.
@main
struct LockProfCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "lockprof",
        abstract: "Lock-contention profiler for Swift: which locks made threads wait, for how long, and who held them.",
        discussion: """
            Record a trace with LOCKPROF_TRACE=trace.bin or LockProfiler.start(tracePath:), then:
              lockprof report trace.bin                 locks ranked by wait, with stacks
              lockprof check trace.bin                  exit 1 when a lock waits > 10%
              lockprof diff base.trace new.trace        wait before and after, per lock
              lockprof export trace.bin --format pprof -o locks.pb.gz
              lockprof merge a.trace b.trace -o all.trace
              lockprof record -- ./server               profile a program as it is (pthread locks)
              lockprof demo                             a built-in workload
            Each subcommand's --help has worked examples.
            """,
        version: version,
        subcommands: [Report.self, Check.self, Diff.self, Export.self, Merge.self, Record.self, Demo.self]
    )

    /// Runs the command line, every command reading preload raw logs as traces (``RawLogReading``)
    /// and symbolizing the traces of killed processes (``KilledTraceSymbols``).
    static func main() {
        RawLogReading.register()
        KilledTraceSymbols.register()
        main(nil)
    }
}

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
              lockprof report trace.bin            ranked locks, holder and waiter stacks, verdict
              lockprof check trace.bin             exit 1 when a lock waits more than 10% of runtime
              lockprof demo                        record and report a built-in workload
            """,
        version: version,
        subcommands: [Report.self, Check.self, Diff.self, Export.self, Merge.self, Demo.self]
    )
}

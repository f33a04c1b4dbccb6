// swift-tools-version:6.1
import PackageDescription

// The benchmarks live in their own package so the library has no benchmark dependency.
// `lockprof` is a symlink to the repository root: a path dependency's identity is its last path
// component, and this keeps it `lockprof` whatever the checkout directory is called.
let package = Package(
    name: "LockProfBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "lockprof"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // What the benchmark programs share: the baseline and profiled counters, threads, work.
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "LockProf", package: "lockprof")],
            path: "Sources/BenchmarkSupport"
        ),
        .executableTarget(
            name: "LockBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LockProf", package: "lockprof"),
            ],
            path: "Benchmarks/LockBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Configuration, recording session and hammer of the benchmark-plugin suites.
        .target(
            name: "SuiteSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LockProf", package: "lockprof"),
            ],
            path: "Sources/SuiteSupport"
        ),
        // The lock family (recursive, reader-writer, semaphore, condition) and lock-order costs.
        .executableTarget(
            name: "LockFamilyBenchmarks",
            dependencies: [
                "SuiteSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LockProf", package: "lockprof"),
            ],
            path: "Benchmarks/LockFamilyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Run by tools/hot-path-syscalls under strace: proves the uncontended path makes no
        // system call while recording. Kept outside Benchmarks/, whose every executable the
        // benchmark plugin runs as a benchmark suite.
        .executableTarget(
            name: "HotPathSyscalls",
            dependencies: [.product(name: "LockProf", package: "lockprof")],
            path: "Sources/HotPathSyscalls"
        ),
        // Run by tools/ingest-bench: writes a realistic trace of N events with LockProfFormat's
        // writer, then times `lockprof report`'s analysis of it on one core.
        .executableTarget(
            name: "TraceGenerator",
            dependencies: [.product(name: "LockProfFormat", package: "lockprof")],
            path: "Sources/TraceGenerator"
        ),
        .executableTarget(
            name: "IngestBenchmark",
            dependencies: ["BenchmarkSupport", .product(name: "LockProfAnalysis", package: "lockprof")],
            path: "Sources/IngestBenchmark"
        ),
        // Run by tools/bench: how many events two contending producer threads get into the
        // trace, and how many the rings drop.
        .executableTarget(
            name: "DrainRate",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "LockProf", package: "lockprof"),
                .product(name: "LockProfFormat", package: "lockprof"),
            ],
            path: "Sources/DrainRate"
        ),
        // Run by tools/thread-scaling: what recording costs per thread (peak RSS, wall time) with
        // one lock shared by 16 to 1 024 threads, one configuration per process.
        .executableTarget(
            name: "ThreadScaling",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "LockProf", package: "lockprof"),
                .product(name: "LockProfFormat", package: "lockprof"),
            ],
            path: "Sources/ThreadScaling"
        ),
        // Run by tools/stack-capture: the frame-pointer walk against unw_backtrace, in time and
        // in memory per thread. Imports CLockProfSupport, LockProf's C layer, directly.
        .executableTarget(
            name: "StackCapture",
            dependencies: [.product(name: "LockProf", package: "lockprof")],
            path: "Sources/StackCapture"
        ),
        // Run by tools/bench: a fixed multi-threaded workload's wall time, recording on ÷ off.
        .executableTarget(
            name: "DemoOverhead",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "LockProf", package: "lockprof"),
                .product(name: "LockProfFormat", package: "lockprof"),
            ],
            path: "Sources/DemoOverhead"
        ),
        // Run by tools/bench: the live endpoint's answer time on 10 000 locks and 1 000 stacks.
        .executableTarget(
            name: "EndpointBenchmark",
            dependencies: [
                .product(name: "LockProf", package: "lockprof"),
                .product(name: "LockProfHTTP", package: "lockprof"),
            ],
            path: "Sources/EndpointBenchmark"
        ),
        // Issue 18's table: a million per-object locks of each kind, one process per variant.
        .executableTarget(
            name: "MillionLocks",
            dependencies: ["BenchmarkSupport", .product(name: "LockProf", package: "lockprof")],
            path: "Sources/MillionLocks"
        ),
        // Issue 14: threads creating and destroying locks nonstop while recording; the resident
        // set over time and its peak (the registry's dead locks stay bounded).
        .executableTarget(
            name: "DeadLockChurn",
            dependencies: ["BenchmarkSupport", .product(name: "LockProf", package: "lockprof")],
            path: "Sources/DeadLockChurn"
        ),
        // Run by tools/peers: the hammer as a plain program, natively and under Valgrind.
        .executableTarget(
            name: "PeerHammer",
            dependencies: ["BenchmarkSupport", .product(name: "LockProf", package: "lockprof")],
            path: "Sources/PeerHammer"
        ),
    ]
)

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
        .executableTarget(
            name: "LockBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LockProf", package: "lockprof"),
            ],
            path: "Benchmarks/LockBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Configuration, recording session and hammer shared by the suites.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LockProf", package: "lockprof"),
            ],
            path: "Sources/BenchmarkSupport"
        ),
        // The lock family (recursive, reader-writer, semaphore, condition) and lock-order costs.
        .executableTarget(
            name: "LockFamilyBenchmarks",
            dependencies: [
                "BenchmarkSupport",
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
    ]
)

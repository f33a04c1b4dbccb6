// swift-tools-version:6.0
import PackageDescription

// Linux only: the runtime waits on futexes and captures stacks with libunwind. The one place that
// knows the platform, Sources/LockProfFormat/Platform/Posix.swift, stops any other system with #error.
//
// Dependencies point one way only (docs/design.md, "Layout and dependencies"):
//   CLibunwind ← CLockProfSupport ← LockProf → LockProfFormat ← LockProfAnalysis ← LockProfReporting ← lockprof
// `lockprof` also uses LockProf, to run the built-in demo workload, and LockProfFormat's platform
// layer (FileDescriptor) for its own files and streams.
// LockProfTesting (LockProf + LockProfAnalysis) records a workload from a test and queries it.
let package = Package(
    name: "lockprof",
    products: [
        .library(name: "LockProf", targets: ["LockProf"]),
        .library(name: "LockProfFormat", targets: ["LockProfFormat"]),
        .library(name: "LockProfAnalysis", targets: ["LockProfAnalysis"]),
        .library(name: "LockProfTesting", targets: ["LockProfTesting"]),
        .executable(name: "lockprof", targets: ["lockprof"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CLibunwind",
            pkgConfig: "libunwind",
            providers: [.apt(["libunwind-dev"])]
        ),
        .target(
            name: "CLockProfSupport",
            dependencies: ["CLibunwind"],
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("unwind"), .linkedLibrary("dl")]
        ),
        .target(name: "LockProfFormat"),
        .target(name: "LockProf", dependencies: ["CLockProfSupport", "LockProfFormat"]),
        .target(name: "LockProfAnalysis", dependencies: ["LockProfFormat"]),
        // The output formats of `lockprof check` and `lockprof diff` (text, JSON, JUnit, GitHub
        // annotations): the command-line tool's, not a product. A target of its own rather than
        // part of `lockprof` so that their tests share LockProfAnalysisTests' trace fixtures.
        .target(name: "LockProfReporting", dependencies: ["LockProfAnalysis"]),
        // Record a workload in-process from a test and ask about its locks.
        .target(name: "LockProfTesting", dependencies: ["LockProf", "LockProfAnalysis"]),
        .executableTarget(
            name: "lockprof",
            dependencies: [
                "LockProf",
                "LockProfAnalysis",
                "LockProfFormat",
                "LockProfReporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // A program that only swaps in a profiled lock: recorded with LOCKPROF_TRACE, no code.
        .executableTarget(name: "bank-tellers", dependencies: ["LockProf"], path: "Examples/BankTellers"),
        // A program that records itself and then meets a fault (kill -9, exit from a thread, a
        // fatal error, a file-size limit, fork): the reliability tests run it as a child process.
        .executableTarget(name: "fault-harness", dependencies: ["LockProf", "CLockProfSupport"], path: "Tests/FaultHarness"),
        .testTarget(name: "LockProfFormatTests", dependencies: ["LockProfFormat"]),
        // LockProfAnalysis: the lock-order tests read what they recorded through the report's model.
        .testTarget(name: "LockProfTests", dependencies: ["LockProf", "LockProfFormat", "LockProfAnalysis", "CLockProfSupport"]),
        .testTarget(
            name: "LockProfAnalysisTests", dependencies: ["LockProfAnalysis", "LockProfReporting", "LockProfFormat"], exclude: ["Fixtures"]),
        // LockProfTesting used as a test would use it, in a process of its own (one session per process).
        .executableTarget(name: "contention-probe", dependencies: ["LockProfTesting", "LockProf"], path: "Examples/ContentionProbe"),
        .testTarget(name: "LockProfTestingTests", dependencies: ["LockProfTesting", "LockProfAnalysis", "LockProfFormat", "contention-probe"]),
        .testTarget(name: "lockprofTests", dependencies: ["lockprof", "bank-tellers", "fault-harness", "LockProf", "LockProfFormat"]),
    ]
)

// swift-tools-version:6.0
import PackageDescription

// Linux only: the runtime waits on futexes and captures stacks with libunwind. The one place that
// knows the platform, Sources/LockProfFormat/Platform/Posix.swift, stops any other system with #error.
//
// Dependencies point one way only (docs/design.md, "Layout and dependencies"):
//   CLibunwind ← CLockProfSupport ← LockProf → LockProfFormat ← LockProfAnalysis ← LockProfReporting ← lockprof
//   LockProf → LockProfPprof ← LockProfAnalysis   (the one pprof encoder, used by both)
//   LockProf ← LockProfHTTP → SwiftNIO   (the live endpoint: the only target that pulls NIO)
// `lockprof` also uses LockProf, to run the built-in demo workload, and LockProfFormat's platform
// layer (FileDescriptor) for its own files and streams.
// LockProfTesting (LockProf + LockProfAnalysis) records a workload from a test and queries it.
let package = Package(
    name: "lockprof",
    products: [
        .library(name: "LockProf", targets: ["LockProf"]),
        .library(name: "LockProfFormat", targets: ["LockProfFormat"]),
        .library(name: "LockProfAnalysis", targets: ["LockProfAnalysis"]),
        .library(name: "LockProfPprof", targets: ["LockProfPprof"]),
        // The live /debug/pprof/mutex endpoint; a product of its own so that only programs that
        // serve it build SwiftNIO.
        .library(name: "LockProfHTTP", targets: ["LockProfHTTP"]),
        .library(name: "LockProfTesting", targets: ["LockProfTesting"]),
        .executable(name: "lockprof", targets: ["lockprof"]),
        // The pthread interposition library `lockprof record` loads into an unmodified program
        // with LD_PRELOAD (liblockprof-preload.so, next to the lockprof executable).
        .library(name: "lockprof-preload", type: .dynamic, targets: ["CLockProfPreload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
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
        // C only, self-contained: it runs inside programs that know nothing of Swift or lockprof.
        .target(
            name: "CLockProfPreload",
            dependencies: ["CLibunwind"],
            cSettings: [.define("_GNU_SOURCE")],
            // SwiftPM links the .so through the Swift driver, which would add swiftrt.o (a
            // constructor that registers the image with the Swift runtime) and so load libswiftCore
            // into every preloaded program: -nostartfiles leaves it out, --as-needed the libraries
            // nothing references.
            linkerSettings: [
                .linkedLibrary("unwind"), .linkedLibrary("dl"),
                .unsafeFlags(["-nostartfiles", "-Xlinker", "--as-needed"]),
            ]
        ),
        .target(name: "LockProfFormat"),
        // profile.proto and gzip: one encoder for the live profile and `lockprof export`.
        .target(name: "LockProfPprof"),
        .target(name: "LockProf", dependencies: ["CLockProfSupport", "LockProfFormat", "LockProfPprof"]),
        .target(name: "LockProfAnalysis", dependencies: ["LockProfFormat", "LockProfPprof"]),
        // The output formats of `lockprof check` and `lockprof diff` (text, JSON, JUnit, GitHub
        // annotations): the command-line tool's, not a product. A target of its own rather than
        // part of `lockprof` so that their tests share LockProfAnalysisTests' trace fixtures.
        .target(name: "LockProfReporting", dependencies: ["LockProfAnalysis"]),
        .target(
            name: "LockProfHTTP",
            dependencies: [
                "LockProf",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
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
        // A program that never imports lockprof, whose pthread locks (NSLock, NSRecursiveLock,
        // NSCondition, a raw pthread_mutex_t, NIOLockedValueBox) `lockprof record` profiles as they are.
        .executableTarget(
            name: "unmodified-locks",
            dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Examples/UnmodifiedLocks"
        ),
        // A swift-nio HTTP server that never imports lockprof, its hit counts behind one
        // NIOLockedValueBox: `lockprof record` profiles it as it is while wrk drives it.
        .executableTarget(
            name: "unmodified-server",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Examples/UnmodifiedServer"
        ),
        // A program that records itself and then meets a fault (kill -9, exit from a thread, a
        // fatal error, a file-size limit, fork): the reliability tests run it as a child process.
        .executableTarget(name: "fault-harness", dependencies: ["LockProf", "CLockProfSupport"], path: "Tests/FaultHarness"),
        .testTarget(name: "LockProfFormatTests", dependencies: ["LockProfFormat"]),
        // LockProfAnalysis: the lock-order tests read what they recorded through the report's model.
        .testTarget(
            name: "LockProfTests", dependencies: ["LockProf", "LockProfFormat", "LockProfAnalysis", "LockProfPprof", "CLockProfSupport"]),
        .testTarget(name: "LockProfPprofTests", dependencies: ["LockProfPprof"]),
        // A program that records at the profile level and serves LOCKPROF_HTTP: the endpoint
        // tests run it as a child process and read it with `go tool pprof`.
        .executableTarget(name: "profile-server", dependencies: ["LockProf", "LockProfHTTP"], path: "Examples/ProfileServer"),
        .testTarget(name: "LockProfHTTPTests", dependencies: ["LockProfHTTP", "LockProf", "profile-server"]),
        .testTarget(
            name: "LockProfAnalysisTests", dependencies: ["LockProfAnalysis", "LockProfReporting", "LockProfFormat"], exclude: ["Fixtures"]),
        // LockProfTesting used as a test would use it, in a process of its own (one session per process).
        .executableTarget(name: "contention-probe", dependencies: ["LockProfTesting", "LockProf"], path: "Examples/ContentionProbe"),
        .testTarget(name: "LockProfTestingTests", dependencies: ["LockProfTesting", "LockProfAnalysis", "LockProfFormat", "contention-probe"]),
        .testTarget(
            name: "lockprofTests",
            dependencies: [
                "lockprof", "bank-tellers", "fault-harness", "unmodified-locks", "unmodified-server", "LockProf", "LockProfFormat",
            ]),
    ]
)

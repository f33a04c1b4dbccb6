import Foundation

/// What a run of the `lockprof` executable produced.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String

    var outputLines: [String] { standardOutput.split(separator: "\n").map(String.init) }
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
}

/// Runs the `lockprof` executable (or another product) built next to this test bundle.
enum CommandRunner {
    /// The built executable: in the directory of the running test binary (`.build/debug/lockprof`).
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [testBinary.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in candidates {
            let candidate = directory.appendingPathComponent("lockprof")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return candidates[0].appendingPathComponent("lockprof")
    }()

    /// Runs `lockprof arguments…` (or `program arguments…`, a product built next to `lockprof`, or
    /// an absolute path) to completion with `environment` added, capturing both streams through
    /// files (no pipe can fill up).
    static func run(
        _ arguments: [String], program: String = "lockprof", environment: [String: String] = [:]
    ) throws -> CommandResult {
        let directory = try temporaryDirectory()
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)
        let process = Process()
        process.executableURL =
            program.hasPrefix("/")
            ? URL(fileURLWithPath: program) : executable.deletingLastPathComponent().appendingPathComponent(program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        process.currentDirectoryURL = directory
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }
}

/// A fresh directory under the system's temporary directory.
func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

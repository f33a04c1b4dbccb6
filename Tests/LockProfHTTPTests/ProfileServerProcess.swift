import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `profile-server` example running as a child process with `LOCKPROF_HTTP=127.0.0.1:0`:
/// started, its URL read from its `ready` line, more work asked for on its standard input.
final class ProfileServerProcess {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = Data()
    private(set) var url = ""

    init(environment: [String: String] = [:]) throws {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.executableURL = testBinary.deletingLastPathComponent().appendingPathComponent("profile-server")
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["LOCKPROF_HTTP": "127.0.0.1:0"].merging(environment) { _, added in added }) { _, added in added }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ready = try nextLine()
        guard ready.hasPrefix("ready ") else { throw ServerError.unexpected(ready) }
        url = String(ready.dropFirst("ready ".count))
    }

    /// Runs one more round of contended work in the server; returns when it is done.
    func work() throws {
        let line = try send("work")
        guard line == "done" else { throw ServerError.unexpected(line) }
    }

    /// Sends one command line (`work`, `wait`, `release`) and returns the server's answer line.
    func send(_ command: String) throws -> String {
        input.fileHandleForWriting.write(Data((command + "\n").utf8))
        return try nextLine()
    }

    private func nextLine() throws -> String {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw ServerError.exited }
            buffered += chunk
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    enum ServerError: Error { case unexpected(String), exited }
}

/// Runs `profile-server` to completion with `environment` (standard input empty, so it exits after
/// its first round when it serves); returns its status and standard error.
func runProfileServer(environment: [String: String]) throws -> (status: Int32, standardError: String) {
    let process = Process()
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.executableURL = testBinary.deletingLastPathComponent().appendingPathComponent("profile-server")
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    let error = Pipe()
    process.standardError = error
    try process.run()
    let data = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Runs `go args…` to completion; nil when Go is not installed.
func runGo(_ arguments: [String]) throws -> (status: Int32, output: String)? {
    guard let go = GoTool.path else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: go)
    process.arguments = arguments
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-go-home")
    // pprof keeps fetched profiles under $HOME/pprof; keep them out of the user's home.
    process.environment = ProcessInfo.processInfo.environment.merging(["HOME": home.path, "PPROF_TMPDIR": home.path]) { _, new in new }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Where `go` is: tools/ensure-dependencies installs golang-go with apt when it is missing.
enum GoTool {
    static let path: String? = ["/usr/bin/go", "/usr/lib/go/bin/go", "/usr/local/go/bin/go"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// Without apt-get nothing could have installed Go: only then are the Go checks skipped.
    static let canBeInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get")
    static let skipped = path == nil && !canBeInstalled
}

/// Starts GET `url` now (the request leaves from URLSession's own threads, whatever the caller
/// does next); the returned function waits for the answer.
func startFetch(_ url: String) -> () -> (status: Int, body: Data) {
    let done = DispatchSemaphore(value: 0)
    let answer = Answer()
    URLSession.shared.dataTask(with: URL(string: url)!) { data, response, _ in
        answer.value = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
        done.signal()
    }.resume()
    return {
        done.wait()
        return answer.value
    }
}

/// GET `url` and wait for the answer.
func fetch(_ url: String) -> (status: Int, body: Data) { startFetch(url)() }

/// Written by URLSession's callback before the semaphore is signalled, read after the wait.
private final class Answer: @unchecked Sendable {
    var value: (status: Int, body: Data) = (0, Data())
}

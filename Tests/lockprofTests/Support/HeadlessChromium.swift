import Foundation
import Testing

/// Debian's `chromium` run headless: the real browser the HTML report is checked in.
///
/// `tools/test` installs it (tools/ensure-dependencies) when missing; a test that finds it
/// missing on a machine with apt-get runs that script itself, so only a machine without apt
/// skips the browser tests (``unavailableReason`` says so).
enum HeadlessChromium {
    /// The browser's path, installing it first when missing and apt-get can.
    static let executable: String? = {
        if let found = find() { return found }
        guard hasAptGet else { return nil }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/ensure-dependencies").path
        _ = try? runTool("/bin/bash", [script, "--consumers"])
        return find()
    }()

    static var hasAptGet: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get") }

    /// Whether the browser tests run: the browser is there, or apt-get is (then a failed install fails them).
    static var isUsable: Bool { hasAptGet || executable != nil }

    static let unavailableReason: Comment = "chromium is not installed and this machine has no apt-get to install it (Debian package chromium)"

    private static func find() -> String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The DOM of `page` after its script ran, as Chromium serializes it.
    static func dumpDOM(of page: String) throws -> String {
        let output = try run(["--dump-dom", URL(fileURLWithPath: page).absoluteString])
        guard output.contains("</html>") else { throw Failure(description: "chromium printed no DOM:\n\(output.suffix(2000))") }
        return output
    }

    /// Renders `page` in a `width` × `height` window into the PNG file `screenshot`.
    static func screenshot(of page: String, to screenshot: String, width: Int, height: Int) throws {
        _ = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(screenshot)", URL(fileURLWithPath: page).absoluteString])
    }

    /// Runs the browser headless with its own profile directory (tests run in parallel), killing
    /// it after a minute; returns its standard output.
    private static func run(_ arguments: [String]) throws -> String {
        guard let executable else { throw Failure(description: "chromium is not installed") }
        let directory = try temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--mute-audio",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
        ] + arguments
        let outputFile = directory.appendingPathComponent("stdout")
        let errorFile = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        let error = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "chromium did not finish within 60 s")
        }
        try output.close()
        try error.close()
        let text = String(decoding: try Data(contentsOf: outputFile), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let errors = String(decoding: try Data(contentsOf: errorFile), as: UTF8.self)
            throw Failure(description: "chromium exited with \(process.terminationStatus): \(errors.suffix(2000))")
        }
        return text
    }
}

import Foundation
import Testing

/// liblockprof-preload.so as it is built: it runs inside programs that know nothing of Swift, so
/// it must not call into the Swift runtime (no `swift_*` symbol it needs, no Swift image
/// constructor registering it with the runtime).
@Suite struct PreloadLibraryTests {
    @Test func theLibraryNeedsNoSwiftRuntimeSymbol() throws {
        let library = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("liblockprof-preload.so").path
        let nm = Process()
        nm.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        nm.arguments = ["--dynamic", "--undefined-only", library]
        let output = Pipe()
        nm.standardOutput = output
        try nm.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        nm.waitUntilExit()
        #expect(nm.terminationStatus == 0)
        let needed = text.split(separator: "\n").compactMap { $0.split(separator: " ").last?.split(separator: "@").first.map(String.init) }
        #expect(needed.contains("dlsym"))  // it did list the library's needs
        #expect(needed.filter { $0.hasPrefix("swift_") || $0.hasPrefix("_swift_") } == [])
    }
}

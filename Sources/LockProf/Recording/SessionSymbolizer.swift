import CLockProfSupport
import Foundation
import LockProfFormat
import Synchronization

/// Resolves the frames of a session to function, file and line when the session ends, so a
/// trace can be read on a machine without the binaries. Uses `llvm-symbolizer` (the Swift
/// toolchain ships one) and demangles Swift names with the Swift runtime's own demangler. Where
/// no symbolizer can be found or it fails, falls back to the dynamic symbol table (function
/// names without file and line); never fails the session.
///
/// `lockprof record` uses it too, for a program it ran: then `inThisProcess` is false, since the
/// modules were mapped in another process and the dynamic-symbol fallback would read this one.
package enum SessionSymbolizer {
    /// The symbols of `frames`, whose module ids `modules` names; `inThisProcess`: the frames were
    /// captured in this process (the modules are mapped here at the recorded bias).
    package static func symbolize(
        frames: [Frame], modules: [UInt32: ModuleRecord], inThisProcess: Bool = true
    ) -> [SymbolRecord] {
        let byModule = Dictionary(grouping: frames.filter { $0.moduleID != 0 }, by: \.moduleID)
        var symbols: [SymbolRecord] = []
        let tool = symbolizerPath()
        for (moduleID, moduleFrames) in byModule {
            guard let module = modules[moduleID] else { continue }
            let path = module.path
            var resolved: [Frame: SymbolRecord] = [:]
            if let tool {
                for batch in stride(from: 0, to: moduleFrames.count, by: 1000) {
                    let slice = Array(moduleFrames[batch..<min(batch + 1000, moduleFrames.count)])
                    for symbol in run(tool: tool, module: path, frames: slice) { resolved[symbol.frame] = symbol }
                }
            }
            for frame in moduleFrames where inThisProcess && resolved[frame] == nil {
                if let symbol = dynamicSymbol(frame, bias: module.baseAddress) { resolved[frame] = symbol }
            }
            symbols += resolved.values
        }
        return symbols
    }

    /// For tests: a symbolizer path that wins over the search below ("" = none), without
    /// touching the process environment.
    static let forcedSymbolizerPath = Mutex<String?>(nil)

    /// `LOCKPROF_SYMBOLIZER` when set; else the `llvm-symbolizer` of the Swift toolchain (next to
    /// the real path of `swift` on PATH), which reads the debug information its compiler wrote;
    /// else any `llvm-symbolizer` on PATH (an older system one may miss newer DWARF).
    static func symbolizerPath() -> String? {
        if let forced = forcedSymbolizerPath.withLock({ $0 }) { return forced.isEmpty ? nil : forced }
        let environment = ProcessInfo.processInfo.environment
        let files = FileManager.default
        if let chosen = environment["LOCKPROF_SYMBOLIZER"], !chosen.isEmpty {
            return files.isExecutableFile(atPath: chosen) ? chosen : nil
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for directory in directories where files.isExecutableFile(atPath: directory + "/swift") {
            let toolchain = URL(fileURLWithPath: directory + "/swift").resolvingSymlinksInPath()
                .deletingLastPathComponent().path
            for candidate in [toolchain + "/llvm-symbolizer", directory + "/llvm-symbolizer"]
            where files.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        for directory in directories where files.isExecutableFile(atPath: directory + "/llvm-symbolizer") {
            return directory + "/llvm-symbolizer"
        }
        return nil
    }

    /// One `llvm-symbolizer` run for frames of one module. Each frame is a return address, so
    /// the address looked up is offset − 1: inside the call instruction, on the caller's line.
    private static func run(tool: String, module: String, frames: [Frame]) -> [SymbolRecord] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments =
            ["--obj=\(module)", "--output-style=JSON", "--functions=linkage", "--inlines"]
            + frames.map { "0x" + String($0.offset &- 1, radix: 16) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return [] }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return [] }
        // Given addresses as arguments, llvm-symbolizer prints one JSON array of results, in order.
        guard let results = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        var symbols: [SymbolRecord] = []
        for (index, result) in results.enumerated() where index < frames.count {
            guard let entries = result["Symbol"] as? [[String: Any]],
                // Inlined frames come innermost first; the last entry is the function the
                // address physically belongs to, at the line of the (inlined) call.
                let entry = entries.last,
                let function = entry["FunctionName"] as? String, !function.isEmpty, function != "??"
            else { continue }
            let file = (entry["FileName"] as? String).flatMap { $0.isEmpty || $0 == "??" ? nil : $0 }
            let line = (entry["Line"] as? Int).flatMap { $0 > 0 ? UInt32(clamping: $0) : nil }
            symbols.append(SymbolRecord(frame: frames[index], function: demangle(function), file: file, line: line))
        }
        return symbols
    }

    /// The nearest dynamic symbol, looked up in this process, where the module is still mapped
    /// at the bias it had when the frame was captured.
    private static func dynamicSymbol(_ frame: Frame, bias: UInt64) -> SymbolRecord? {
        var nameBuffer = [CChar](repeating: 0, count: 4096)
        guard lockprof_symbol_name(bias &+ frame.offset &- 1, &nameBuffer, nameBuffer.count) == 0 else { return nil }
        return SymbolRecord(frame: frame, function: demangle(TraceCollector.string(nameBuffer)), file: nil, line: nil)
    }

    /// Demangles a Swift symbol with the runtime's demangler; other names are returned as they are.
    static func demangle(_ name: String) -> String {
        guard name.hasPrefix("$s") || name.hasPrefix("_$s") || name.hasPrefix("$S") || name.hasPrefix("_T") else {
            return name
        }
        return name.withCString { mangled in
            guard let demangled = swift_demangle(mangled, strlen(mangled), nil, nil, 0) else { return name }
            defer { free(demangled) }
            return String(cString: demangled)
        }
    }
}

/// The Swift runtime's demangler (exported by libswiftCore).
@_silgen_name("swift_demangle")
private func swift_demangle(
    _ mangledName: UnsafePointer<CChar>?, _ mangledNameLength: Int, _ outputBuffer: UnsafeMutablePointer<CChar>?,
    _ outputBufferSize: UnsafeMutablePointer<Int>?, _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?

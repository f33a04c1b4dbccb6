#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads inputs (configuration, baselines) and writes outputs (exports, reports) whole, with
/// errors that name the file and the system's reason in one line.
enum FileAccess {
    /// A file could not be read or written: `path: cannot open: No such file or directory`.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes of the file at `path`.
    static func read(_ path: String) throws(Failure) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw Failure(description: "\(path): cannot open: \(reason())") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            bytes += buffer[0..<count]
            if count < buffer.count {
                if ferror(file) != 0 { throw Failure(description: "\(path): cannot read: \(reason())") }
                return bytes
            }
        }
    }

    /// Replaces the file at `path` with `bytes` (`-` writes to standard output).
    static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        if path == "-" {
            CommandFailure.printOutput(bytes)
            return
        }
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot write \(path): \(reason())") }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else { throw Failure(description: "cannot write \(path): \(reason())") }
    }

    /// Whether the file at `path` starts with the trace magic `LOCKPROF` (else it may be JSON).
    static func isTrace(_ bytes: [UInt8]) -> Bool { bytes.starts(with: Array("LOCKPROF".utf8)) }

    private static func reason() -> String { String(cString: strerror(errno)) }
}

import LockProfFormat

/// Reads inputs (configuration, baselines) and writes outputs (exports, reports) whole, with
/// errors that name the file and the system's reason in one line.
enum FileAccess {
    /// A file could not be read or written: `path: cannot open: No such file or directory`.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes of the file at `path`.
    static func read(_ path: String) throws(Failure) -> [UInt8] {
        let file: FileDescriptor
        do { file = try FileDescriptor.openForReading(path: path) } catch {
            throw Failure(description: "\(path): cannot open: \(error)")
        }
        do { return try file.readAll() } catch { throw Failure(description: "\(path): cannot read: \(error)") }
    }

    /// Replaces the file at `path` with `bytes` (`-` writes to standard output).
    static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        if path == "-" {
            CommandFailure.printOutput(bytes)
            return
        }
        do {
            let file = try FileDescriptor.create(path: path, mode: 0o666, replacing: true, followingSymbolicLinks: true)
            try file.writeAll(bytes)
            try file.close()
        } catch {
            throw Failure(description: "cannot write \(path): \(error)")
        }
    }

    /// Whether the file at `path` starts with the trace magic `LOCKPROF` or is a preload raw log
    /// (`LPRAWLOG`, read as the trace it becomes) — else it may be JSON.
    static func isTrace(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: Array("LOCKPROF".utf8)) || bytes.starts(with: PreloadLog.magic)
    }
}

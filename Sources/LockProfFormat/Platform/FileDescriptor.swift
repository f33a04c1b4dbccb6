/// An open file: lockprof's one way to read and write files and the standard streams.
///
/// The trace writer and reader, the CLI's inputs and outputs and the runtime's messages on
/// standard error all go through it. Reads and writes go straight to the system (no buffering of
/// our own); short transfers and interruptions are retried; every failure is a ``SystemError``
/// that the caller turns into its own one-line message. A descriptor it opened is closed by
/// ``close()`` or when the object goes; the standard streams are never closed.
package final class FileDescriptor {
    private let descriptor: Int32
    private var isOpen = true
    private let isOwned: Bool

    private init(_ descriptor: Int32, owned: Bool) {
        self.descriptor = descriptor
        self.isOwned = owned
    }

    deinit { if isOwned && isOpen { try? Posix.closeDescriptor(descriptor) } }

    /// Standard output.
    package static var standardOutput: FileDescriptor { FileDescriptor(Posix.standardOutput, owned: false) }
    /// Standard error.
    package static var standardError: FileDescriptor { FileDescriptor(Posix.standardError, owned: false) }

    /// Opens an existing file for reading.
    package static func openForReading(path: String) throws(SystemError) -> FileDescriptor {
        FileDescriptor(try Posix.openForReading(path), owned: true)
    }

    /// Creates a file for writing with permissions `mode` (less the umask). An existing file is
    /// emptied when `replacing`, else an error (`isFileExists`); a symbolic link at `path` is an
    /// error (`isSymbolicLink`) unless `followingSymbolicLinks`.
    package static func create(path: String, mode: UInt32, replacing: Bool, followingSymbolicLinks: Bool)
        throws(SystemError) -> FileDescriptor
    {
        let descriptor = try Posix.create(
            path, mode: mode, replacing: replacing, followingSymbolicLinks: followingSymbolicLinks)
        return FileDescriptor(descriptor, owned: true)
    }

    /// Whether the file is a directory (opening one for reading succeeds; reading it fails).
    package var isDirectory: Bool { Posix.isDirectory(descriptor) }

    /// Whether the file is a terminal.
    package var isTerminal: Bool { Posix.isTerminal(descriptor) }

    /// Writes all of `bytes`.
    package func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = try Posix.writeOnce(descriptor, UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if written == 0 { throw .inputOutput }
            offset += written
        }
    }

    /// Writes all of `bytes`.
    package func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try writeAll(raw) } }.get()
    }

    /// Writes `text` as UTF-8: one `write` call unless the system takes less, so a message on
    /// standard error is not interleaved with another thread's.
    package func writeAll(_ text: String) throws(SystemError) {
        var text = text
        try text.withUTF8 { bytes in Result { () throws(SystemError) in try writeAll(UnsafeRawBufferPointer(bytes)) } }.get()
    }

    /// Reads into `buffer` until it is full or the file ends; returns how many bytes were read
    /// (fewer than `buffer.count` only at end of file).
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        var total = 0
        while total < buffer.count {
            let got = try Posix.readOnce(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if got == 0 { break }
            total += got
        }
        return total
    }

    /// Reads the rest of the file.
    package func readAll() throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        let block = 1 << 16
        // Appended as an array (one copy), not element by element: a raw log is gigabytes.
        let zeros = [UInt8](repeating: 0, count: block)
        while true {
            let start = bytes.count
            bytes += zeros
            let got = try bytes.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[start...])) }
            }.get()
            if got < block {
                bytes.removeLast(block - got)
                return bytes
            }
        }
    }

    /// Closes the file, reporting what the system reports (a delayed write error). Later calls
    /// and the standard streams do nothing.
    package func close() throws(SystemError) {
        guard isOwned && isOpen else { return }
        isOpen = false
        try Posix.closeDescriptor(descriptor)
    }
}

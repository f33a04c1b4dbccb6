#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file calls the writer and reader need, in one place: open with the right flags,
/// write everything, read up to a count. Errors carry `strerror` text.
final class PosixFile {
    let descriptor: Int32
    let path: String

    /// Creates a trace file: mode 0600, never following a symlink at `path`, and failing when the
    /// file exists unless `overwrite`.
    static func create(path: String, overwrite: Bool) throws(TraceError) -> PosixFile {
        var flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC
        flags |= overwrite ? O_TRUNC : O_EXCL
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw .alreadyExists(path: path) }
            if code == ELOOP { throw .cannotOpen(path: path, reason: "is a symbolic link (refusing to follow it)") }
            throw .cannotOpen(path: path, reason: PosixFile.describe(code))
        }
        return PosixFile(descriptor: descriptor, path: path)
    }

    /// Opens an existing file for reading.
    static func openForReading(path: String) throws(TraceError) -> PosixFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: PosixFile.describe(errno)) }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw .cannotOpen(path: path, reason: "is a directory")
        }
        return PosixFile(descriptor: descriptor, path: path)
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    func writeAll(_ bytes: [UInt8]) throws(TraceError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if written == 0 { failure = EIO; return }
                offset += written
            }
        }
        if failure != 0 { throw .writeFailed(path: path, reason: PosixFile.describe(failure)) }
    }

    /// Reads up to `count` bytes into `buffer` starting at `offset`; returns how many were read
    /// (fewer only at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, count: Int) throws(TraceError) -> Int {
        var total = 0
        while total < count {
            let got = Glibc.read(descriptor, buffer.baseAddress! + total, count - total)
            if got < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, reason: PosixFile.describe(errno))
            }
            if got == 0 { break }
            total += got
        }
        return total
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

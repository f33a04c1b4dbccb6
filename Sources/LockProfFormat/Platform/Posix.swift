#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("lockprof runs on Linux only: its runtime waits on futexes and unwinds with libunwind (see Package.swift)")
#endif

/// The C library calls behind lockprof's files, standard streams, environment and exit hook, in
/// the only Swift file that imports the C library (Glibc, or Musl for a static Linux build):
/// nothing else knows which platform it runs on. ``FileDescriptor``, ``SystemError`` and
/// ``CurrentProcess`` are the layer the other files use; the runtime's futex, clock, thread and
/// stack calls are C, in CLockProfSupport.
///
/// Each call returns what the C call returned; a failure throws the `errno` it left. A read or
/// write interrupted by a signal (`EINTR`) is made again.
enum Posix {
    /// `STDOUT_FILENO` and `STDERR_FILENO`.
    static let standardOutput: Int32 = STDOUT_FILENO
    static let standardError: Int32 = STDERR_FILENO

    /// The `errno` values callers tell apart.
    static let fileExists = EEXIST
    static let symbolicLinkLoop = ELOOP
    static let inputOutputError = EIO

    /// `open(path, O_RDONLY | O_CLOEXEC)`.
    static func openForReading(_ path: String) throws(SystemError) -> Int32 {
        try check(open(path, O_RDONLY | O_CLOEXEC))
    }

    /// `open(path, O_WRONLY | O_CREAT | O_CLOEXEC | …, mode)`: `O_TRUNC` when `replacing` (else
    /// `O_EXCL`), `O_NOFOLLOW` unless `followingSymbolicLinks`.
    static func create(_ path: String, mode: UInt32, replacing: Bool, followingSymbolicLinks: Bool)
        throws(SystemError) -> Int32
    {
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        flags |= replacing ? O_TRUNC : O_EXCL
        if !followingSymbolicLinks { flags |= O_NOFOLLOW }
        return try check(open(path, flags, mode_t(mode)))
    }

    /// `write(2)` once: how many bytes it took.
    static func writeOnce(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        try check { write(descriptor, bytes.baseAddress, bytes.count) }
    }

    /// `read(2)` once: how many bytes it gave (0 at end of file).
    static func readOnce(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try check { read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// `close(2)`; the descriptor is gone whether or not it reports an error.
    static func closeDescriptor(_ descriptor: Int32) throws(SystemError) {
        if close(descriptor) != 0 { throw SystemError(code: errno) }
    }

    /// Whether `fstat` says the descriptor is a directory.
    static func isDirectory(_ descriptor: Int32) -> Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// `isatty(3)`.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// `atexit(3)`.
    static func sleep(microseconds: UInt32) { _ = usleep(microseconds) }

    static func atExit(_ body: @convention(c) () -> Void) { _ = atexit(body) }

    /// `getenv(3)`.
    static func environmentValue(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// `strerror(3)`: the system's words for an `errno` value.
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func check(_ result: Int32) throws(SystemError) -> Int32 {
        guard result >= 0 else { throw SystemError(code: errno) }
        return result
    }

    private static func check(_ call: () -> Int) throws(SystemError) -> Int {
        while true {
            let result = call()
            if result >= 0 { return result }
            if errno != EINTR { throw SystemError(code: errno) }
        }
    }
}

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

    /// The signals a command that runs another program passes on or leaves to it: interrupt and
    /// quit (a terminal sends them to the whole foreground group, child included), terminate and
    /// hang-up (sent to the command alone: forwarded).
    static let interruptSignals: [Int32] = [SIGINT, SIGQUIT]
    static let forwardedSignals: [Int32] = [SIGTERM, SIGHUP]

    /// The child `forwardSignal` passes signals to.
    nonisolated(unsafe) private static var forwardingChild: pid_t = 0

    private static let forwardSignal: @convention(c) (Int32) -> Void = { signal in
        if Posix.forwardingChild > 0 { _ = kill(Posix.forwardingChild, signal) }
    }

    /// `posix_spawnp(program, arguments, environment)` with the default action for every signal
    /// in `interruptSignals` and `forwardedSignals` and an empty signal mask, so the child reacts to
    /// them as it would on its own; standard streams are inherited. Returns the child's pid.
    static func spawn(_ program: String, arguments: [String], environment: [String]) throws(SystemError) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in interruptSignals + forwardedSignals + [SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var child: pid_t = 0
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let result = posix_spawnp(&child, program, nil, &attributes, argv, envp)
        guard result == 0 else { throw SystemError(code: result) }
        return child
    }

    /// While a child runs: ignores `interruptSignals` (the child gets them itself) and forwards
    /// `forwardedSignals` to `child`.
    static func passSignals(to child: Int32) {
        forwardingChild = child
        for signal in interruptSignals { _ = Glibc.signal(signal, SIG_IGN) }
        for signal in forwardedSignals { _ = Glibc.signal(signal, forwardSignal) }
    }

    /// `waitpid` until `child` ends (retried on `EINTR`): its exit code, or the signal that ended it.
    static func waitForExit(_ child: Int32) throws(SystemError) -> (code: Int32?, signal: Int32?) {
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 {
            if errno != EINTR { throw SystemError(code: errno) }
        }
        let low = status & 0x7f
        if low == 0 { return ((status >> 8) & 0xff, nil) }
        return (nil, low)
    }

    /// Ends this process by `signal`, as the child it ran ended (its default action).
    static func terminate(bySignal signal: Int32) -> Never {
        _ = Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        _ = raise(signal)
        exit(128 + signal)
    }

    /// `environ` as `NAME=value` strings.
    static func environment() -> [String] {
        var entries: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        return entries
    }

    /// `mmap` of `bytes` private anonymous bytes, read-write: zero-filled pages that take no
    /// memory until written. nil when the mapping fails.
    static func mapZeroPages(bytes: Int) -> UnsafeMutableRawPointer? {
        let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        return address == MAP_FAILED ? nil : address
    }

    /// `madvise(MADV_DONTNEED)`: the pages of a private anonymous mapping are given back and
    /// read as zeros again.
    static func discardPages(_ address: UnsafeMutableRawPointer, bytes: Int) -> Bool {
        madvise(address, bytes, MADV_DONTNEED) == 0
    }

    /// `munmap`.
    static func unmap(_ address: UnsafeMutableRawPointer, bytes: Int) { _ = munmap(address, bytes) }

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

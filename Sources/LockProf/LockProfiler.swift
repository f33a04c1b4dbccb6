import CLockProfSupport
import LockProfFormat
import Synchronization

/// Starts and stops recording, and reads every lock's counters in-process.
///
/// Recording needs no code: run the program with `LOCKPROF_TRACE=trace.bin` (`%p` becomes the
/// process id) and the trace is written until the program exits. From code:
///
/// ```swift
/// try LockProfiler.start(tracePath: "trace.bin")
/// runWorkload()
/// LockProfiler.stop()
/// ```
///
/// While recording, waits and the holds that caused them are timed and written with their
/// stacks; a background thread drains them into the trace every 2 ms and writes every lock's
/// exact counters every 100 ms, so a crash loses at most the last 100 ms. A failed write (disk
/// full) stops recording with one line on standard error; the program and its locks carry on.
public enum LockProfiler {
    /// The running session. A registry lock rather than a `Mutex`, so a forked child never finds
    /// it held (see ``ForkHandling``).
    static let session = RegistryLock<TraceSession?>(nil, mutex: LOCKPROF_SESSION_MUTEX)
    private static let exitHookInstalled = Atomic<Bool>(false)

    /// Starts recording into a new trace file at `tracePath`.
    ///
    /// The file is created with mode 0600; a symlink at the path is never followed; an existing
    /// file is an error unless `overwrite` is true. A program exiting normally finishes the
    /// trace itself; call ``stop()`` to finish it earlier.
    public static func start(tracePath: String, overwrite: Bool = false) throws(LockProfilerError) {
        try session.withLock { (session: inout TraceSession?) throws(LockProfilerError) in
            if let running = session { throw .alreadyRecording(path: running.path) }
            do throws(TraceError) {
                session = try TraceSession(path: tracePath, overwrite: overwrite)
            } catch {
                throw .cannotRecord(error)
            }
        }
        if !exitHookInstalled.exchange(true, ordering: .relaxed) {
            CurrentProcess.atExit { LockProfiler.stop() }
            ForkHandling.install()
        }
    }

    /// Stops recording and finishes the trace: last events, every lock's final counters, symbols
    /// for every stack frame, and the end marker. Does nothing when not recording.
    public static func stop() {
        let finishing = session.withLock { (session: inout TraceSession?) -> TraceSession? in
            defer { session = nil }
            return session
        }
        finishing?.stop()
    }

    /// Whether a recording session is running.
    public static var isRecording: Bool { session.withLock { $0 != nil } }

    /// The counters of every live lock (and of locks that died during the current recording,
    /// until the next checkpoint, at most 100 ms later, has written their final counts),
    /// ordered by lock id. Counts are since each lock's creation.
    public static func snapshot() -> [LockSnapshot] {
        LockRegistry.shared.counters()
            .map { LockSnapshot($0.0, $0.1) }
            .sorted { $0.lockID < $1.lockID }
    }
}

/// Why recording could not start.
public enum LockProfilerError: Error, Equatable, CustomStringConvertible {
    /// A session is already recording into `path`; stop it first.
    case alreadyRecording(path: String)
    /// The trace file could not be created.
    case cannotRecord(TraceError)

    public var description: String {
        switch self {
        case .alreadyRecording(let path): "already recording into \(path); call LockProfiler.stop() first"
        case .cannotRecord(let error): error.description
        }
    }
}

/// Starts recording when `LOCKPROF_TRACE` is set, the first time a profiled lock is created.
enum EnvironmentRecording {
    static func startIfRequested() { _ = started }

    private static let started: Bool = {
        guard let raw = CurrentProcess.environmentValue("LOCKPROF_TRACE"), !raw.isEmpty else { return false }
        let path = raw.replacingOccurrences(of: "%p", with: String(lockprof_process_id()))
        do {
            // The user named this file in the environment: replacing it is what they asked for.
            try LockProfiler.start(tracePath: path, overwrite: true)
            return true
        } catch {
            try? FileDescriptor.standardError.writeAll("lockprof: LOCKPROF_TRACE: \(error)\n")
            return false
        }
    }()
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

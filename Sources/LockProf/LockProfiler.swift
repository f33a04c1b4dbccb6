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
    /// The session slot. A registry lock rather than a `Mutex`, so a forked child never finds
    /// it held (see ``ForkHandling``).
    static let session = RegistryLock<SessionSlot>(.idle, mutex: LOCKPROF_SESSION_MUTEX)
    private static let exitHookInstalled = Atomic<Bool>(false)

    /// Starts recording into a new trace file at `tracePath`.
    ///
    /// The file is created with mode 0600; a symlink at the path is never followed; an existing
    /// file is an error unless `overwrite` is true. A program exiting normally finishes the
    /// trace itself; call ``stop()`` to finish it earlier. While another thread's ``stop()`` is
    /// still finishing the previous trace, this waits for it: two sessions never run at once.
    public static func start(tracePath: String, overwrite: Bool = false) throws(LockProfilerError) {
        while true {
            let started = try session.withLock { (slot: inout SessionSlot) throws(LockProfilerError) -> Bool in
                switch slot {
                case .recording(let running): throw .alreadyRecording(path: running.path)
                case .stopping: return false
                case .idle:
                    if ProfileSession.isRunning { throw .alreadyRecording(path: "the in-memory profile") }
                    do throws(TraceError) {
                        slot = .recording(try TraceSession(path: tracePath, overwrite: overwrite))
                    } catch {
                        throw .cannotRecord(error)
                    }
                    return true
                }
            }
            if started { break }
            CurrentProcess.sleep(microseconds: SessionSlot.pollMicroseconds)
        }
        if !exitHookInstalled.exchange(true, ordering: .relaxed) {
            CurrentProcess.atExit { LockProfiler.stop() }
            ForkHandling.install()
        }
    }

    /// Stops recording and finishes the trace: last events, every lock's final counters, symbols
    /// for every stack frame, and the end marker. Does nothing when not recording. When another
    /// thread is already stopping the session, waits until that trace is finished (so a stop at
    /// exit never lets the process end with a half-written trace).
    public static func stop() {
        ProfileSession.stop()
        let step = session.withLock { (slot: inout SessionSlot) -> SessionSlot in
            if case .recording(let running) = slot {
                // Stays in the slot until its trace is finished: a `start` now waits for it.
                slot = .stopping(running)
                return .recording(running)
            }
            return slot
        }
        switch step {
        case .idle:
            return
        case .recording(let finishing):
            finishing.stop()
            session.withLock { $0 = .idle }
        case .stopping(let other):
            while session.withLock({ $0.isStopping(other) }) { CurrentProcess.sleep(microseconds: SessionSlot.pollMicroseconds) }
        }
    }

    /// Whether a recording session is running: false once it is stopping, or once a failed
    /// write stopped it.
    public static var isRecording: Bool {
        session.withLock { slot in
            if case .recording = slot { lockprof_is_recording() != 0 } else { false }
        } || ProfileSession.isRunning
    }

    /// The counters of every live lock (and of locks that died during the current recording,
    /// until the next checkpoint, at most 100 ms later, has written their final counts),
    /// ordered by lock id. Counts are since each lock's creation.
    public static func snapshot() -> [LockSnapshot] {
        LockRegistry.shared.counters()
            .map { LockSnapshot($0.0, $0.1) }
            .sorted { $0.lockID < $1.lockID }
    }
}

/// The session slot's states. A session goes idle → recording (start) → stopping (a `stop()` is
/// finishing its trace, outside the slot's lock) → idle (the trace is finished). Only the thread
/// that moved it to stopping moves it on; `start` and other `stop` calls that meet a stopping
/// session wait, polling (starts and stops are rare; a stop lasts milliseconds to seconds).
enum SessionSlot {
    case idle
    case recording(TraceSession)
    case stopping(TraceSession)

    static let pollMicroseconds: UInt32 = 1_000

    /// Whether `session` is the one stopping.
    func isStopping(_ session: TraceSession) -> Bool {
        if case .stopping(let stopping) = self { stopping === session } else { false }
    }
}

/// Why recording could not start.
public enum LockProfilerError: Error, Equatable, CustomStringConvertible {
    /// A session is already recording into `path`; stop it first.
    case alreadyRecording(path: String)
    /// The trace file could not be created.
    case cannotRecord(TraceError)
    /// `start(level: .trace)` without a trace path.
    case missingTracePath

    public var description: String {
        switch self {
        case .alreadyRecording(let path): "already recording into \(path); call LockProfiler.stop() first"
        case .cannotRecord(let error): error.description
        case .missingTracePath: "the trace level needs a trace path (LOCKPROF_TRACE=trace.bin, or tracePath:)"
        }
    }
}

/// Starts recording when `LOCKPROF_TRACE` is set, the first time a profiled lock is created.
enum EnvironmentRecording {
    static func startIfRequested() { _ = started }

    private static let started: Bool = {
        if let level = EnvironmentLevel.requested() { return EnvironmentLevel.start(level) }
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

import CLockProfSupport
import LockProfPprof

/// How much a recording keeps.
public enum RecordingLevel: String, Sendable, CaseIterable {
    /// Exact per-lock counters and the in-memory contention profile (waits, holds and both sides'
    /// stacks aggregated by stack), no per-event log and no file: the level to leave on in
    /// production and serve with `LockProfHTTP`.
    case profile
    /// Also every contention event, into a trace file, for timelines and the Chrome export
    /// (``LockProfiler/start(tracePath:overwrite:)``).
    case trace
}

extension LockProfiler {
    /// Starts recording at `level`: `.profile` keeps the in-memory profile only; `.trace` also
    /// writes every event into `tracePath` (required), as ``start(tracePath:overwrite:)``.
    ///
    /// ```swift
    /// try LockProfiler.start(level: .profile)
    /// let mutexProfile = LockProfiler.pprof(side: .holder)   // gzipped profile.proto
    /// ```
    public static func start(level: RecordingLevel, tracePath: String? = nil, overwrite: Bool = false) throws(LockProfilerError) {
        switch level {
        case .trace:
            guard let tracePath else { throw .missingTracePath }
            try start(tracePath: tracePath, overwrite: overwrite)
        case .profile:
            try session.withLock { (slot: inout SessionSlot) throws(LockProfilerError) in
                switch slot {
                case .recording(let running), .stopping(let running): throw .alreadyRecording(path: running.path)
                case .idle:
                    guard ProfileSession.start() else { throw .alreadyRecording(path: "the in-memory profile") }
                }
            }
        }
    }

    /// The running level, nil when not recording.
    public static var level: RecordingLevel? {
        if ProfileSession.isRunning { return .profile }
        return session.withLock { slot in if case .recording = slot { true } else { false } } ? .trace : nil
    }

    /// The in-memory contention profile now: pass it as `since:` to ``pprof(side:since:)`` later
    /// for what happened in between (how `?seconds=N` is answered).
    public static func profileSnapshot() -> ContentionProfileSnapshot {
        var snapshot = ContentionProfile.shared.snapshot()
        snapshot.time = lockprof_now_ns()
        snapshot.wallTime = lockprof_wall_ns()
        return snapshot
    }

    /// The contention profile as gzipped `profile.proto` bytes, in exactly the shape of Go's
    /// `/debug/pprof/mutex` (`side: .holder`: the code that held locks while others waited) or
    /// `/debug/pprof/block` (`.waiter`: the code that waited), labelled `lock` and `lock_kind`.
    /// Cumulative since the process began recording, or since `since`. Serve it from any HTTP
    /// route (Vapor, Hummingbird) or use `LockProfHTTP`.
    public static func pprof(side: ProfileSide, since: ContentionProfileSnapshot? = nil) -> [UInt8] {
        let now = profileSnapshot()
        let duration = since.map { now.time &- $0.time } ?? 0
        return ProfileRenderer(side: side).pprofProfile(now.since(since), durationNanoseconds: duration).gzipped()
    }

    /// The same profile as Go's `?debug=1` text: per stack `delay count @ addresses`, the lock,
    /// and one `#` line per frame.
    public static func pprofText(side: ProfileSide, since: ContentionProfileSnapshot? = nil) -> String {
        ProfileRenderer(side: side).text(profileSnapshot().since(since))
    }
}

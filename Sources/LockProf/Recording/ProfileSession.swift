import CLockProfSupport
import Foundation
import Synchronization

/// Recording at the `profile` level: waits, holds and stacks go into the in-memory profile
/// (``ContentionProfile``) and the locks' exact counters; no event is logged, there is no trace
/// file and no collector. A housekeeping thread wakes every 100 ms only to free the (unused)
/// rings of exited threads, which carry their capture budgets.
final class ProfileSession: @unchecked Sendable {
    // @unchecked Sendable: `stopRequested` and `done` are atomics; nothing else is mutable.

    /// The running profile session, if any. A session belongs to the process that started it:
    /// in a child made by `fork()` (where recording is off and the housekeeping thread does not
    /// exist) it counts as not running, and stopping it only forgets it.
    static let running = Mutex<ProfileSession?>(nil)

    static var isRunning: Bool { running.withLock { $0?.processID == getpid() } }

    private let processID = getpid()

    private let stopRequested = Atomic<Bool>(false)
    private let done = Atomic<Bool>(false)
    static let housekeepingInterval: UInt32 = 100_000

    /// Turns recording on without event logging.
    private init() {
        lockprof_clock_init()
        _ = ContentionProfile.shared
        Recorder.logsEvents.store(false, ordering: .relaxed)
        // As a trace session does (TraceSession.init): no stack published in an earlier session is
        // blamed in this one, and the session's start is published before the flag.
        LockRegistry.shared.clearPublishedHolderStacks()
        Recorder.sessionStart.store(lockprof_now_ns(), ordering: .relaxed)
        Recorder.sessionNumber.wrappingAdd(1, ordering: .releasing)
        lockprof_set_recording(1)
        let thread = Thread { [self] in
            while !stopRequested.load(ordering: .acquiring) {
                usleep(Self.housekeepingInterval)
                Self.freeExitedRings()
            }
            done.store(true, ordering: .releasing)
        }
        thread.name = "lockprof-profile"
        thread.start()
    }

    /// Starts the profile level; false when it was running already.
    static func start() -> Bool {
        running.withLock { session in
            guard session?.processID != getpid() else { return false }
            session = ProfileSession()
            return true
        }
    }

    /// Stops the profile level when it runs: recording off, event logging back to the default.
    static func stop() {
        guard let session = running.withLock({ session -> ProfileSession? in defer { session = nil }; return session }) else {
            return
        }
        guard session.processID == getpid() else { return }
        lockprof_set_recording(0)
        session.stopRequested.store(true, ordering: .releasing)
        while !session.done.load(ordering: .acquiring) { usleep(500) }
        Recorder.logsEvents.store(true, ordering: .relaxed)
        freeExitedRings()
    }

    private static func freeExitedRings() {
        let finished = RingRegistry.shared.currentRings().filter { $0.exited.load(ordering: .acquiring) }
        for ring in finished { ring.drain { _ in } }
        RingRegistry.shared.remove(finished)
    }
}

extension Recorder {
    /// Whether contention events are logged into the rings (the `trace` level, the default) or
    /// only aggregated in memory (the `profile` level). Read on the contended path only.
    static let logsEvents = Atomic<Bool>(true)
}

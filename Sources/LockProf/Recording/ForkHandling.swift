import CLockProfSupport

/// What a child made by `fork()` does with its parent's recording: nothing. The trace file, the
/// collector thread and the session belong to the parent; the child must neither write to the
/// file (it shares the parent's descriptor and would interleave chunks) nor wait for a collector
/// thread it does not have (its `exit()` would hang in the `atexit` handler).
///
/// Right after `fork()`, in the child (`fork.c` has already freed the registry mutexes and turned
/// recording off): the session is forgotten without being stopped or freed, dead locks are no
/// longer kept for a trace, the locks forget the parent's threads sleeping on them, and the
/// rings of the parent's other threads are forgotten. The
/// child's locks keep working and counting (``LockProfiler/snapshot()``); it records nothing
/// unless it calls ``LockProfiler/start(tracePath:overwrite:)`` with a path of its own.
enum ForkHandling {
    /// Registers the child handler; called when the lock registry is created (the first lock)
    /// and when a session starts.
    static func install() {
        lockprof_set_fork_child_callback { ForkHandling.afterForkInChild() }
    }

    static func afterForkInChild() {
        LockProfiler.session.withLock { slot in
            // Leaked on purpose: its collector may have been mid-write in the parent, so neither
            // its deinit nor its buffers can be trusted here.
            switch slot {
            case .recording(let abandoned), .stopping(let abandoned): _ = Unmanaged.passRetained(abandoned)
            case .idle: break
            }
            slot = .idle
        }
        LockRegistry.shared.setSessionActive(false)
        LockRegistry.shared.resetWaitersAfterFork()
        RingRegistry.shared.forgetOtherThreadsAfterFork()
    }
}

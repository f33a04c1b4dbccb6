import CLockProfSupport
import LockProfFormat
import Synchronization

/// What identifies a lock in snapshots and traces.
struct LockIdentity: Sendable {
    let lockID: UInt32
    let kind: LockKind
    let name: String
    let site: String
}

/// Every live lock, so snapshots and the collector can read their counters. Registration and
/// removal take the registry's lock once per lock lifetime; the hot path never touches it.
///
/// The registry holds raw pointers to each lock's counters, not the lock object: a lock being
/// deinitialized removes itself here (under the registry lock) before its memory is freed, and
/// readers hold the registry lock while reading, so no reader sees freed memory and no reader
/// retains a dying object.
final class LockRegistry: Sendable {
    static let shared = LockRegistry()

    struct Entry: @unchecked Sendable {
        // @unchecked: the pointers are valid while the entry is in `live` (see above).
        let identity: LockIdentity
        let slots: UnsafeMutablePointer<Atomic<UInt64>>
    }

    private struct State {
        var nextID: UInt32 = 1
        var live: [UInt32: Entry] = [:]
        /// Final counters of locks that died while a session was recording, until the next
        /// checkpoint has written them to the trace.
        var retired: [(LockIdentity, LockCounters)] = []
        var sessionActive = false
    }
    private let state = RegistryLock(State(), mutex: LOCKPROF_LOCK_REGISTRY_MUTEX)

    private init() {
        // From the first lock on, not only from the first session: a child forked before any
        // session still inherits waiter counts (see resetWaitersAfterFork).
        ForkHandling.install()
    }

    func register(
        kind: LockKind, name: String, site: String, word: UnsafeMutablePointer<Atomic<UInt32>>,
        slots: UnsafeMutablePointer<Atomic<UInt64>>
    ) -> LockIdentity {
        EnvironmentRecording.startIfRequested()
        return state.withLock { state in
            let identity = LockIdentity(lockID: state.nextID, kind: kind, name: name, site: site)
            // 0 is never an id: the held-lock stack's guard slot and lock-order keys rely on it.
            state.nextID = state.nextID == UInt32.max ? 1 : state.nextID + 1
            state.live[identity.lockID] = Entry(identity: identity, slots: slots)
            return identity
        }
    }

    func unregister(_ lockID: UInt32) {
        state.withLock { state in
            guard let entry = state.live.removeValue(forKey: lockID) else { return }
            if state.sessionActive { state.retired.append((entry.identity, LockCounters(entry.slots))) }
        }
    }

    /// Reads every live lock's counters and, while a session runs, the final counters of the
    /// locks that died since its last checkpoint.
    func counters() -> [(LockIdentity, LockCounters)] {
        state.withLock { state in
            state.live.values.map { ($0.identity, LockCounters($0.slots)) } + state.retired
        }
    }

    /// For a checkpoint: every live lock's counters, and the final counters of the locks that died
    /// since the last checkpoint. The registry then forgets the dead ones (the trace has their
    /// final counts), so a program that creates and destroys locks while recording keeps a
    /// registry as large as its live locks, not as its whole history.
    func countersForCheckpoint() -> (live: [(LockIdentity, LockCounters)], retired: [(LockIdentity, LockCounters)]) {
        state.withLock { state in
            defer { state.retired.removeAll() }
            return (state.live.values.map { ($0.identity, LockCounters($0.slots)) }, state.retired)
        }
    }

    /// The identity of a live lock, or of one retired during the session.
    func identity(of lockID: UInt32) -> LockIdentity? {
        state.withLock { state in
            state.live[lockID]?.identity ?? state.retired.first { $0.0.lockID == lockID }?.0
        }
    }

    /// When the current hold of a live lock began, if that hold is timed (it began with a wait
    /// while recording, or is one of the sampled holds), else nil. A relaxed read of the slot the
    /// holder writes at acquisition and clears at release: by any thread, for
    /// ``LockProfiler/currentHoldNanoseconds(of:)``.
    func timedHoldStart(of lockID: UInt32) -> UInt64? {
        state.withLock { state in
            guard let start = state.live[lockID]?.slots[LockSlot.holdStart].load(ordering: .relaxed), start != 0 else { return nil }
            return start
        }
    }

    /// At a session's start: clears every lock's published holder stack. One a waiter never took
    /// (it began waiting before the session, or took the lock by spinning and released it on the
    /// fast path) would otherwise be blamed by a later, unrelated contention, in a trace that
    /// never defines it.
    func clearPublishedHolderStacks() {
        state.withLock { state in
            for entry in state.live.values { entry.slots[LockSlot.holderStack].store(0, ordering: .relaxed) }
        }
    }

    /// In a forked child: the threads counted as sleeping on the locks are the parent's and do not
    /// exist here. Left counted, every release would take the slow path and, while recording,
    /// count blocking holds nobody suffered. The word itself stays as it is: a lock held by a
    /// parent's thread stays held (as with any mutex); a 2 only costs its next release a
    /// futex_wake that wakes nobody.
    func resetWaitersAfterFork() {
        state.withLock { state in
            for entry in state.live.values {
                entry.slots[LockSlot.sleepers].store(0, ordering: .relaxed)
                entry.slots[LockSlot.firstWaiterArrival].store(0, ordering: .relaxed)
                entry.slots[LockSlot.holderStack].store(0, ordering: .relaxed)
            }
        }
    }

    func setSessionActive(_ active: Bool) {
        state.withLock { state in
            state.sessionActive = active
            if !active { state.retired.removeAll() }
        }
    }
}

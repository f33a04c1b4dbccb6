import CLockProfSupport
import LockProfFormat
import Synchronization

/// Every live lock, so snapshots and the collector can read their counters. Creation and
/// destruction take one of the registry's shard locks once each per lock lifetime; the hot path
/// never touches it.
///
/// Shards: ``shardCount`` of them, each a table of its live locks by number (``LockTable``: no
/// hashing, no allocation but one per 4096 locks) and of the final counters of those that died
/// while a session recorded, guarded by its own fork-aware mutex
/// (`LOCKPROF_LOCK_REGISTRY_MUTEX + shard`, fork.c: the fork handlers take and release all of
/// them). A lock's shard is chosen by the thread that creates it (threads take the shards
/// round-robin), so up to 8 threads creating locks at once take different mutexes, and is the
/// low ``shardBits`` bits of its id, so whoever destroys it or looks it up finds the same shard
/// without a global table. Readers (snapshots, checkpoints) take the shards one at a time, never
/// two at once.
///
/// Ids: shard `s` numbers its locks 1, 2, … from its own atomic counter, without taking its
/// mutex; the id is `number << 3 | s`, never 0 (the held-lock stack's guard slot and lock-order
/// keys rely on it). Ids are `UInt32` in the ring events and the trace: after 2²⁹ creations in
/// one shard the numbers start again, and from then on an id still taken by a live lock of the
/// shard is skipped (a look-up under the shard's mutex), so no two live locks share an id.
///
/// The tables hold unretained references to the locks, not the locks: a lock being
/// deinitialized removes itself (under its shard's mutex) before its memory is freed, and
/// readers hold that mutex while reading, so no reader sees freed memory and none retains a
/// dying object.
///
/// Dead locks (issue 14): while a session records, a lock that dies touched leaves its final
/// counters in its shard for the collector's next checkpoint. The thread destroying it appends
/// them under the shard's mutex; the checkpoint takes them all under the same mutex. A collector
/// starved of CPU by threads that create and destroy locks nonstop would let that list grow
/// without bound, so it is bounded where it grows, by the destroying thread:
/// - A lock the trace may already know by its id is *pinned* (``LockCore/pinned``, set under the
///   shard's mutex by the session's baseline read, a checkpoint, a snapshot, or the collector
///   looking up its identity for an event): its counts are in, or were subtracted as, a record
///   of its own id, so its final counters must replace them under that id. It always gets an
///   entry of its own. Such entries are bounded by the locks that were live at one of those
///   reads — locks the registry held anyway.
/// - Any other dead lock gets an entry of its own while fewer than ``retiredLimit`` unpinned ones
///   wait in the shard; after that its counters are added to the shard's entry for its creation
///   site, name and kind (``FoldedDeadLocks``), which the next checkpoint writes as one lock's
///   counters and a `foldedLocks` record saying how many locks it stands for. An unpinned lock
///   was created after the baseline read and never written, so its counters are all the
///   session's and counted nowhere else: totals per site stay exact, only those locks' own ids
///   are gone (their events, if any, name an id the trace never defines).
/// Between two checkpoints a shard therefore holds at most ``retiredLimit`` unpinned entries,
/// ``foldedNamesLimit`` named fold entries plus one per creation site and kind, and the pinned
/// ones. Nothing is dropped.
final class LockRegistry: Sendable {
    static let shared = LockRegistry()

    /// Shards, as `LOCKPROF_LOCK_REGISTRY_SHARDS`.
    static let shardCount = Int(LOCKPROF_LOCK_REGISTRY_SHARDS)
    /// Bits of an id that name its shard.
    static let shardBits = 3
    /// A shard's numbers before they start again: ids stay `UInt32`.
    static let numbersPerShard: UInt64 = 1 << (32 - UInt64(shardBits))
    /// Unpinned dead locks a shard keeps one entry each for between two checkpoints; the next
    /// ones are folded by site (the type's documentation): 8192 × 8 shards = 65 536 entries.
    /// Changed only by tests, between sessions.
    static let retiredLimit = Atomic<Int>(8192)
    /// Fold entries of a shard keyed by given name as well as site; beyond it, by site only.
    static let foldedNamesLimit = 1024
    /// The most unpinned dead-lock entries and fold entries one shard held at once since the
    /// counters were last reset: what tests check against the bound (``resetRetiredHighWater()``).
    static let retiredHighWater = Atomic<Int>(0)
    static let foldedHighWater = Atomic<Int>(0)
    /// Dead locks folded since the counters were last reset.
    static let foldedLockCount = Atomic<Int>(0)

    /// Zeroes ``retiredHighWater``, ``foldedHighWater`` and ``foldedLockCount``.
    static func resetRetiredHighWater() {
        retiredHighWater.store(0, ordering: .relaxed)
        foldedHighWater.store(0, ordering: .relaxed)
        foldedLockCount.store(0, ordering: .relaxed)
    }

    private struct Shard {
        /// The live locks, by number (`id >> shardBits`).
        var live = LockTable()
        /// Final counters of locks that died while a session was recording, counted since the
        /// last checkpoint (touched), until the next checkpoint has written them to the trace.
        var retired: [(LockIdentity, LockCounters)] = []
        /// Entries of `retired` of unpinned locks: at most ``retiredLimit``.
        var unpinnedRetired = 0
        /// Dead unpinned locks beyond ``retiredLimit``, by site, until the next checkpoint.
        var folded: [FoldedDeadLocks.Site: FoldedDeadLocks] = [:]
        var sessionActive = false
        /// Set once the session's baseline read has pinned the shard's live locks: before, an
        /// unpinned lock may still have a baseline, and is never folded.
        var foldingAllowed = false

        /// Keeps the final `counters` of dead lock `core` (the registry's "Dead locks").
        mutating func retire(_ core: LockCore, counters: LockCounters) {
            if core.pinned || !foldingAllowed || unpinnedRetired < LockRegistry.retiredLimit.load(ordering: .relaxed) {
                retired.append((core.identity, counters))
                if !core.pinned {
                    unpinnedRetired += 1
                    _ = LockRegistry.retiredHighWater.max(unpinnedRetired, ordering: .relaxed)
                }
                return
            }
            let named = FoldedDeadLocks(identity: core.identity, counters: counters, keepingName: true)
            if let index = folded.index(forKey: named.site) {
                folded.values[index].add(named)
            } else if folded.count < LockRegistry.foldedNamesLimit || named.identity.givenName == nil {
                folded[named.site] = named
            } else {
                let bySite = FoldedDeadLocks(identity: core.identity, counters: counters, keepingName: false)
                if let index = folded.index(forKey: bySite.site) { folded.values[index].add(bySite) } else { folded[bySite.site] = bySite }
            }
            _ = LockRegistry.foldedLockCount.wrappingAdd(1, ordering: .relaxed)
            _ = LockRegistry.foldedHighWater.max(folded.count, ordering: .relaxed)
        }
    }

    private let shards: [RegistryLock<Shard>]
    /// Each shard's next number, 64 bytes apart (threads of different shards share no line).
    /// Allocated once, never freed: the registry lives as long as the process.
    private nonisolated(unsafe) let numbers: UnsafeMutablePointer<Atomic<UInt64>>
    private static let numberStride = 8

    private init() {
        precondition(1 << Self.shardBits == Self.shardCount)
        shards = (0..<Self.shardCount).map {
            RegistryLock(Shard(), mutex: Int(LOCKPROF_LOCK_REGISTRY_MUTEX) + $0)
        }
        numbers = .allocate(capacity: Self.shardCount * Self.numberStride)
        for index in 0..<Self.shardCount * Self.numberStride { (numbers + index).initialize(to: Atomic(0)) }
        // From the first lock on, not only from the first session: a child forked before any
        // session still inherits waiter counts (see resetWaitersAfterFork).
        ForkHandling.install()
    }

    /// The calling thread's shard: assigned round-robin at its first lock (`lockprof_registry_shard`).
    private static func shardOfCallingThread() -> Int { Int(lockprof_registry_shard()) }

    /// `lockID`'s number in its shard.
    private static func number(of lockID: UInt32) -> Int { Int(lockID >> UInt32(shardBits)) }

    private func shard(of lockID: UInt32) -> RegistryLock<Shard> {
        shards[Int(lockID) & (Self.shardCount - 1)]
    }

    /// An id for a lock the calling thread is creating (see the type's documentation).
    func newLockID() -> UInt32 {
        EnvironmentRecording.startIfRequested()
        let shard = Self.shardOfCallingThread()
        while true {
            let number = numbers[shard * Self.numberStride].wrappingAdd(1, ordering: .relaxed).newValue
            let id = UInt32(truncatingIfNeeded: (number % Self.numbersPerShard) << UInt64(Self.shardBits)) | UInt32(shard)
            if number < Self.numbersPerShard { return id }
            // The numbers started again: skip 0 and the ids live locks still have.
            if id != 0, !shards[shard].withLock({ $0.live[Self.number(of: id)] != nil }) { return id }
        }
    }

    /// Adds `core`, whose id ``newLockID()`` gave, to its shard.
    func register(_ core: LockCore) {
        shard(of: core.lockID).withLock { $0.live.insert(Unmanaged.passUnretained(core), at: Self.number(of: core.lockID)) }
    }

    /// Removes `core` (from its deinit). While a session records, a lock counted since the last
    /// checkpoint leaves its final counters for the next one; an untouched one leaves nothing,
    /// the trace already has its counts (or it had none).
    func unregister(_ core: LockCore) {
        shard(of: core.lockID).withLock { shard in
            guard shard.live.remove(at: Self.number(of: core.lockID)) else { return }
            if shard.sessionActive, LockCore.touched(core.word).pointee.load(ordering: .acquiring) != 0 {
                shard.retire(core, counters: LockCounters(core.slots, side: core.existingSideSlots))
            }
        }
    }

    /// Reads every live lock's counters and, while a session runs, the final counters of the
    /// locks that died since its last checkpoint. A shard's mutex is held for one ``LockTable``
    /// chunk (at most 4096 locks) at a time, as for checkpoints: a scrape of a process with many
    /// locks makes a thread creating or destroying a lock wait for one chunk's reading at most,
    /// not for the whole shard's. A lock created or destroyed between two chunks is read or not,
    /// as if the read had happened a moment earlier or later. One that died after its chunk was
    /// read is then also among the retired: its final counters replace what was read live. Every
    /// lock read is pinned (the type's "Dead locks"): one read live is never also folded into a
    /// site's entry, which this read returns too, under its first lock's identity.
    ///
    /// `startingSession`: this is the session's baseline read; once it has read a shard, the
    /// shard may fold its dead unpinned locks (none of them is in the baselines).
    func counters(startingSession: Bool = false) -> [(LockIdentity, LockCounters)] {
        var result: [(LockIdentity, LockCounters)] = []
        for shard in shards {
            let shardStart = result.count
            var chunk = 0
            while shard.withLock({ shard -> Bool in
                guard chunk < shard.live.chunkCount else {
                    Self.append(shard.retired, replacingLiveReadsFrom: shardStart, in: &result)
                    result += shard.folded.values.map { ($0.identity, $0.counters) }
                    if startingSession { shard.foldingAllowed = shard.sessionActive }
                    return false
                }
                shard.live.forEach(inChunk: chunk) { core in
                    result.append(
                        core._withUnsafeGuaranteedRef {
                            $0.pinned = true
                            return ($0.identity, LockCounters($0.slots, side: $0.existingSideSlots))
                        })
                }
                return true
            }) {
                chunk += 1
            }
        }
        return result
    }

    /// Appends a shard's retired locks to `result`, whose entries from `start` on are that shard's
    /// live reads: a lock read live and retired since is kept once, with its final counters.
    private static func append(
        _ retired: [(LockIdentity, LockCounters)], replacingLiveReadsFrom start: Int,
        in result: inout [(LockIdentity, LockCounters)]
    ) {
        guard !retired.isEmpty else { return }
        var liveIndex: [UInt32: Int] = [:]
        for index in start..<result.count { liveIndex[result[index].0.lockID] = index }
        for entry in retired {
            if let index = liveIndex[entry.0.lockID] { result[index] = entry } else { result.append(entry) }
        }
    }

    /// For a checkpoint, in batches: the counters of every live lock touched since the last
    /// checkpoint (its touched word is cleared, LockCore+CounterBlock.swift; it is pinned), and
    /// the final counters of the locks that died touched since then, one by one and folded by
    /// site (the type's "Dead locks"). `body` gets one batch at a time —
    /// the touched locks of one ``LockTable`` chunk (at most 4096), or one shard's dead locks —
    /// and runs with no mutex held: a shard's mutex is held for one chunk at a time, so threads
    /// creating and destroying locks wait for one chunk's reading at most, not for the trace to be
    /// written. The registry then forgets the dead ones (the trace has their final counts), so a
    /// program that creates and destroys locks while recording keeps a registry as large as its
    /// live locks, not as its whole history. A lock nobody counted costs one load here and
    /// nothing in the trace.
    func forEachCheckpointBatch(
        _ body: (
            _ live: [(LockIdentity, LockCounters)], _ retired: [(LockIdentity, LockCounters)], _ folded: [FoldedDeadLocks]
        ) -> Void
    ) {
        for shard in shards {
            var chunk = 0
            while true {
                let (batch, more) = shard.withLock { shard -> ([(LockIdentity, LockCounters)], Bool) in
                    guard chunk < shard.live.chunkCount else { return ([], false) }
                    var batch: [(LockIdentity, LockCounters)] = []
                    shard.live.forEach(inChunk: chunk) { entry in
                        entry._withUnsafeGuaranteedRef { core in
                            let touched = LockCore.touched(core.word)
                            guard touched.pointee.load(ordering: .relaxed) != 0,
                                touched.pointee.exchange(0, ordering: .acquiring) != 0
                            else { return }
                            core.pinned = true
                            batch.append((core.identity, LockCounters(core.slots, side: core.existingSideSlots)))
                        }
                    }
                    return (batch, true)
                }
                guard more else { break }
                if !batch.isEmpty { body(batch, [], []) }
                chunk += 1
            }
            let (retired, folded) = shard.withLock { shard in
                defer {
                    shard.retired.removeAll()
                    shard.folded.removeAll()
                    shard.unpinnedRetired = 0
                }
                return (shard.retired, Array(shard.folded.values))
            }
            if !retired.isEmpty || !folded.isEmpty { body([], retired, folded) }
        }
    }

    /// The identity of a live lock, or of one retired during the session (not of a folded one).
    /// `pinning`: the collector is writing the lock's `lock` record, so the lock must keep an
    /// entry of its own when it dies (the type's "Dead locks").
    func identity(of lockID: UInt32, pinning: Bool = false) -> LockIdentity? {
        shard(of: lockID).withLock { shard in
            shard.live[Self.number(of: lockID)]?._withUnsafeGuaranteedRef {
                if pinning { $0.pinned = true }
                return $0.identity
            }
                ?? shard.retired.first { $0.0.lockID == lockID }?.0
        }
    }

    /// Runs `body` on every live lock, one shard's mutex held at a time.
    private func forEachLiveLock(_ body: (LockCore) -> Void) {
        for shard in shards {
            shard.withLock { shard in
                shard.live.forEach { $0._withUnsafeGuaranteedRef(body) }
            }
        }
    }

    /// When the current hold of a live lock began, if that hold is timed (it began with a wait
    /// while recording, or is one of the sampled holds), else nil. A relaxed read of the slot the
    /// holder writes at acquisition and clears at release: by any thread, for
    /// ``LockProfiler/currentHoldNanoseconds(of:)``.
    func timedHoldStart(of lockID: UInt32) -> UInt64? {
        shard(of: lockID).withLock { shard in
            guard let start = shard.live[Self.number(of: lockID)]?._withUnsafeGuaranteedRef({
                $0.slots[LockSlot.holdStart].load(ordering: .relaxed)
            }), start != 0 else { return nil }
            return start
        }
    }

    /// At a session's start: clears every lock's published holder stack. One a waiter never took
    /// (it began waiting before the session, or took the lock by spinning and released it on the
    /// fast path) would otherwise be blamed by a later, unrelated contention, in a trace that
    /// never defines it.
    func clearPublishedHolderStacks() {
        forEachLiveLock { core in core.existingSideSlots?[SideSlot.holderStack].store(0, ordering: .relaxed) }
    }

    /// In a forked child: the threads counted as sleeping on the locks are the parent's and do not
    /// exist here. Left counted, every release would take the slow path and, while recording,
    /// count blocking holds nobody suffered. The word itself stays as it is: a lock held by a
    /// parent's thread stays held (as with any mutex); a 2 only costs its next release a
    /// futex_wake that wakes nobody.
    func resetWaitersAfterFork() {
        forEachLiveLock { core in
            core.slots[LockSlot.sleepers].store(0, ordering: .relaxed)
            if let side = core.existingSideSlots {
                side[SideSlot.firstWaiterArrival].store(0, ordering: .relaxed)
                side[SideSlot.holderStack].store(0, ordering: .relaxed)
            }
        }
    }

    func setSessionActive(_ active: Bool) {
        for shard in shards {
            shard.withLock { shard in
                shard.sessionActive = active
                shard.foldingAllowed = false
                if !active {
                    shard.retired.removeAll()
                    shard.folded.removeAll()
                    shard.unpinnedRetired = 0
                }
            }
        }
    }
}

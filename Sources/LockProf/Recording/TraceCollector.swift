import CLockProfSupport
import LockProfFormat
import Synchronization

/// Turns what the rings and the lock registry hold into trace records and writes them.
/// Used by one thread at a time: the collector thread while the session runs, then `stop()`.
///
/// Identifiers in the trace are small integers: lock ids as registered, thread ids are ring
/// serials, stack ids are numbered here as stack hashes are first met, module ids as modules are
/// first met. A stack's frames are resolved to module-relative offsets when its definition
/// arrives; an event may name a stack whose definition comes later in the same or the next
/// drain (another thread's ring), so ids are assigned on first sight of either.
///
/// Per event it does no hashing and no allocation: a ring remembers whether this collector wrote
/// its thread record (``ThreadRing/threadRecordWriter``), written lock records are bits indexed by
/// lock id, stack hashes map to ids through an open-addressing table (``StackIDTable``), and the
/// event is encoded field by field into the writer's chunk.
final class TraceCollector {
    /// Numbers collectors (1, 2, …), so a ring can tell which collector wrote its thread record.
    private static let collectorNumbers = Atomic<UInt32>(0)

    private let writer: TraceWriter
    private let sessionStart: UInt64
    private let number = TraceCollector.collectorNumbers.wrappingAdd(1, ordering: .relaxed).newValue
    private var baselines: [UInt32: LockCounters]
    // The fields read or changed per event are `@exclusivity(unchecked)`: the collector is used by
    // one thread at a time (above), and the dynamic exclusivity check of a class's stored property
    // (swift_beginAccess) cost more than the rest of an event's bookkeeping.
    /// Bit `id & 63` of word `id >> 6` is set once lock `id`'s record is written.
    @exclusivity(unchecked) private var writtenLocks: [UInt64] = []
    /// Lock-order pairs written, `held << 32 | acquired`.
    private var writtenLockOrders: Set<UInt64> = []
    private var dropBaselines: [UInt32: UInt64] = [:]
    /// Dead locks the registry folded by site, summed over the session: each checkpoint adds the
    /// new ones and rewrites the totals under the id of the first (LockRegistry's "Dead locks").
    private var foldedDeadLocks: [FoldedDeadLocks.Site: FoldedDeadLocks] = [:]
    @exclusivity(unchecked) private var stackIDs = StackIDTable()
    private var moduleIDs: [String: UInt32] = [:]
    private var modules: [UInt32: ModuleRecord] = [:]
    private var frames: [UInt64: Frame] = [:]
    /// Set once a write failed: recording has stopped, later calls do nothing.
    private(set) var failure: TraceError?
    /// `failure != nil`, as a flag: testing the optional error per event copied and released it.
    @exclusivity(unchecked) private var failed = false

    /// `baselines` and `dropBaselines` are the locks' counters and the rings' drop counts when
    /// the session started: the trace reports what happened since.
    init(
        writer: TraceWriter, sessionStart: UInt64, baselines: [UInt32: LockCounters], dropBaselines: [UInt32: UInt64]
    ) {
        self.writer = writer
        self.sessionStart = sessionStart
        self.baselines = baselines
        self.dropBaselines = dropBaselines
    }

    /// Writes the process record and flushes it: the session's first write. Its failure is the
    /// session's (`start` throws it), not a "recording stopped" warning: nothing was recorded yet.
    func begin(wallStart: UInt64) throws(TraceError) {
        var nameBuffer = [CChar](repeating: 0, count: 256)
        lockprof_process_name(&nameBuffer, nameBuffer.count)
        let process = ProcessRecord(
            pid: lockprof_process_id(), processName: Self.string(nameBuffer), startWallNanoseconds: wallStart,
            startNanoseconds: sessionStart, clockSource: String(cString: lockprof_clock_source()))
        try writer.append(.process(process))
        try writer.flush()
    }

    /// Drains every ring; frees the rings of threads that exited.
    ///
    /// An event can name a stack that another thread captured: a waiter's `contention` names the
    /// holder's stack, whose definition is in the holder's ring. The holder wrote it there before
    /// releasing the lock, so before the waiter's event became visible — but the holder's ring
    /// may have been drained earlier in the same pass. So when a pass meets stacks it has not
    /// seen defined, it drains the rings again (at most ``drainPasses`` in all), and the whole
    /// drain is kept in one chunk (`TraceWriter.keepTogether`): a process killed at any moment
    /// leaves no event whose stack definition was due in the same drain but lost with a later
    /// chunk. (A definition dropped from a full ring stays missing; the drop is counted.)
    func drainRings(recording: Bool) {
        let rings = RingRegistry.shared.currentRings()
        // Read before draining: a ring seen exited here has written its last event, which the
        // drain below takes, so it can be freed after.
        let finished = rings.filter { $0.exited.load(ordering: .acquiring) }
        if recording && !failed {
            do throws(TraceError) {
                try writer.keepTogether {
                    for _ in 0..<Self.drainPasses {
                        let undefinedBefore = undefinedStacks
                        for ring in rings { write(eventsOf: ring) }
                        if undefinedStacks <= undefinedBefore { break }
                    }
                }
            } catch { fail(error) }
        } else {
            for ring in rings { ring.drain { _ in } }
        }
        if recording { writeDrops(finished) }
        RingRegistry.shared.remove(finished)
    }

    /// Passes over the rings in one drain at most (see ``drainRings(recording:)``).
    static let drainPasses = 3

    /// Stacks named by an event or defined so far without a definition yet.
    private var undefinedStacks: Int { stackIDs.count - definedStacks.count }

    /// Writes the counters since the session started of every lock counted since the last
    /// checkpoint (LockRegistry.forEachCheckpointBatch: a lock nobody touched costs the trace
    /// nothing), a checkpoint, and flushes. A lock's last `lockStatistics` record holds its
    /// counts since the session started, so one left out of a checkpoint keeps the earlier record.
    /// Dead locks the registry folded by site are written as their site's entry: the `lock`
    /// record of the first, their summed counters and a `foldedLocks` record with their number.
    func checkpoint() {
        writeDrops(RingRegistry.shared.currentRings())
        LockRegistry.shared.forEachCheckpointBatch { live, retired, folded in
            for (identity, counters) in live + retired {
                // A lock created during the session has no baseline: its counters are the session's.
                let sinceStart = baselines[identity.lockID].map { counters.since($0) } ?? counters
                // Touched, yet nothing counted since the session started (a count made between
                // sessions set the word): still nothing to write.
                if !isLockRecordWritten(identity.lockID), Self.isZero(sinceStart) { continue }
                writeLockRecordIfNeeded(identity)
                write(.lockStatistics(LockStatisticsRecord(lockID: identity.lockID, counters: sinceStart)))
            }
            // A dead lock's final counts and record are in the trace now: forget it, so memory
            // follows the live locks. A late event naming it finds no identity and writes no
            // second record.
            for (identity, _) in retired {
                forgetLockRecord(identity.lockID)
                baselines.removeValue(forKey: identity.lockID)
            }
            for entry in folded { write(folded: entry) }
        }
        write(.checkpoint(CheckpointRecord(timeNanoseconds: lockprof_now_ns())))
        flush()
    }

    /// Adds `entry` to its site's total and writes the total. A folded lock was created during
    /// the session and never pinned: it has no baseline, its counters are the session's.
    private func write(folded entry: FoldedDeadLocks) {
        if foldedDeadLocks[entry.site] == nil { foldedDeadLocks[entry.site] = entry } else { foldedDeadLocks[entry.site]!.add(entry) }
        let total = foldedDeadLocks[entry.site]!
        writeLockRecordIfNeeded(total.identity)
        write(.lockStatistics(LockStatisticsRecord(lockID: total.identity.lockID, counters: total.counters)))
        write(.foldedLocks(FoldedLocksRecord(lockID: total.identity.lockID, foldedLocks: total.locks)))
    }

    private static func isZero(_ counters: LockCounters) -> Bool {
        LockCounter.allCases.allSatisfy { counters[$0] == 0 } && counters.waitHistogram.allSatisfy { $0 == 0 }
    }

    /// The last records: symbols for every frame met, the end marker; then closes the file.
    func finish() {
        checkpoint()
        for symbol in SessionSymbolizer.symbolize(frames: Array(Set(frames.values)), modules: modules) {
            write(.symbol(symbol))
        }
        write(.end(EndRecord(timeNanoseconds: lockprof_now_ns())))
        guard failure == nil else { return }
        do { try writer.close() } catch { fail(error) }
    }

    // MARK: Events

    /// Writes every event in `ring` into the trace. The per-event path: the event's header word
    /// decides, the thread and lock records are checked with a compare and a bit test, the
    /// record is encoded straight into the chunk.
    private func write(eventsOf ring: ThreadRing) {
        let thread = ring.serial
        ring.drain { event in
            guard !failed else { return }
            switch event.kind {
            case .contention:
                writeThreadRecordIfNeeded(ring)
                writeLockRecordIfNeeded(event.lockID)
                let (waiter, holder) = event.stacks(afterFixed: 2)
                do throws(TraceError) {
                    try writer.appendContention(
                        lockID: event.lockID, threadID: thread, timeNanoseconds: event[1], waitNanoseconds: event[2],
                        waiterStackID: stackID(waiter), holderStackID: stackID(holder), timedOut: event.flag)
                } catch { fail(error) }
            case .release:
                writeThreadRecordIfNeeded(ring)
                writeLockRecordIfNeeded(event.lockID)
                do throws(TraceError) {
                    try writer.appendRelease(
                        lockID: event.lockID, threadID: thread, timeNanoseconds: event[1], holdNanoseconds: event[2],
                        holderStackID: stackID(event.stacks(afterFixed: 2).first),
                        holdMeasuredFromAcquisition: event.flag)
                } catch { fail(error) }
            case .stack:
                defineStack(hash: event[1], addresses: UnsafeBufferPointer(rebasing: event.words[2...]))
            case .lockOrder:
                writeLockOrder(event, from: ring)
            case nil:
                break
            }
        }
    }

    private func writeLockOrder(_ event: RingEvent, from ring: ThreadRing) {
        let held = UInt32(truncatingIfNeeded: event[1])
        // Each thread writes a pair once; the trace keeps the first thread's.
        guard writtenLockOrders.insert(UInt64(held) << 32 | UInt64(event.lockID)).inserted else { return }
        writeThreadRecordIfNeeded(ring)
        writeLockRecordIfNeeded(held)
        writeLockRecordIfNeeded(event.lockID)
        write(
            .lockOrder(
                LockOrderRecord(
                    heldLockID: held, acquiredLockID: event.lockID, threadID: ring.serial, stackID: stackID(event[2]))))
    }

    /// The trace id of a stack hash (0 for "not captured"), assigned on first sight.
    @inline(__always)
    func stackID(_ hash: UInt64) -> UInt32 {
        hash == 0 ? 0 : stackIDs.id(of: hash)
    }

    private var definedStacks: Set<UInt64> = []

    private func defineStack(hash: UInt64, addresses: UnsafeBufferPointer<UInt64>) {
        guard definedStacks.insert(hash).inserted else { return }
        write(.stack(StackRecord(stackID: stackID(hash), frames: addresses.map(frame(of:)))))
    }

    /// The module-relative form of a return address, resolved once per distinct address.
    private func frame(of address: UInt64) -> Frame {
        if let known = frames[address] { return known }
        var bias: UInt64 = 0
        var pathBuffer = [CChar](repeating: 0, count: 4096)
        var frame = Frame(moduleID: 0, offset: address)
        if lockprof_module_of(address, &bias, &pathBuffer, pathBuffer.count) == 0 {
            let path = Self.string(pathBuffer)
            let moduleID: UInt32
            if let known = moduleIDs[path] {
                moduleID = known
            } else {
                moduleID = UInt32(moduleIDs.count + 1)
                moduleIDs[path] = moduleID
                let module = ModuleRecord(moduleID: moduleID, path: path, baseAddress: bias)
                modules[moduleID] = module
                write(.module(module))
            }
            frame = Frame(moduleID: moduleID, offset: address &- bias)
        }
        frames[address] = frame
        return frame
    }

    @inline(__always)
    func writeThreadRecordIfNeeded(_ ring: ThreadRing) {
        guard ring.threadRecordWriter != number else { return }
        writeThreadRecord(ring)
    }

    @inline(never)
    private func writeThreadRecord(_ ring: ThreadRing) {
        ring.threadRecordWriter = number
        write(.thread(ThreadRecord(threadID: ring.serial, systemThreadID: ring.systemThreadID, name: ring.name)))
    }

    @inline(__always)
    private func isLockRecordWritten(_ lockID: UInt32) -> Bool {
        let word = Int(lockID >> 6)
        return word < writtenLocks.count && writtenLocks[word] & (1 << UInt64(lockID & 63)) != 0
    }

    @inline(__always)
    func writeLockRecordIfNeeded(_ lockID: UInt32) {
        guard !isLockRecordWritten(lockID) else { return }
        writeLockRecord(lockID)
    }

    @inline(never)
    private func writeLockRecord(_ lockID: UInt32) {
        guard let identity = LockRegistry.shared.identity(of: lockID, pinning: true) else { return }
        writeLockRecordIfNeeded(identity)
    }

    private func writeLockRecordIfNeeded(_ identity: LockIdentity) {
        let lockID = identity.lockID
        guard !isLockRecordWritten(lockID) else { return }
        let word = Int(lockID >> 6)
        if word >= writtenLocks.count { writtenLocks += repeatElement(0, count: word + 1 - writtenLocks.count) }
        writtenLocks[word] |= 1 << UInt64(lockID & 63)
        let site = site(of: identity)
        write(.lock(LockRecord(lockID: lockID, kind: identity.kind, name: identity.givenName ?? site, site: site)))
    }

    /// A creation site, `#fileID` and line, formatted so far: locks created at one site (a
    /// million objects of one class) format it once per session, not once per lock.
    private struct SiteKey: Hashable {
        let file: UInt
        let line: UInt32
    }
    private var sites: [SiteKey: String] = [:]

    /// `identity.site`, formatted once per creation site (``sites``).
    private func site(of identity: LockIdentity) -> String {
        guard identity.fileID.hasPointerRepresentation else { return identity.site }
        let key = SiteKey(file: UInt(bitPattern: identity.fileID.utf8Start), line: identity.line)
        if let site = sites[key] { return site }
        let site = identity.site
        sites[key] = site
        return site
    }

    private func forgetLockRecord(_ lockID: UInt32) {
        let word = Int(lockID >> 6)
        if word < writtenLocks.count { writtenLocks[word] &= ~(1 << UInt64(lockID & 63)) }
    }

    private func writeDrops(_ rings: [ThreadRing]) {
        for ring in rings {
            let dropped = ring.dropped &- (dropBaselines[ring.serial] ?? 0)
            if dropped > 0 {
                writeThreadRecordIfNeeded(ring)
                write(.drops(DropRecord(threadID: ring.serial, droppedEvents: dropped)))
            }
        }
    }

    // MARK: Writing

    func write(_ record: TraceRecord) {
        guard failure == nil else { return }
        do { try writer.append(record) } catch { fail(error) }
    }

    func flush() {
        guard failure == nil else { return }
        do { try writer.flush() } catch { fail(error) }
    }

    /// A write failed: say so once, stop recording; the program and its locks carry on, and the
    /// trace keeps every chunk written before the failure.
    private func fail(_ error: TraceError) {
        failure = error
        failed = true
        lockprof_set_recording(0)
        // One unbuffered write: the program's own buffered output is not touched.
        try? FileDescriptor.standardError.writeAll("lockprof: recording stopped: \(error)\n")
    }

    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import CLockProfSupport
import Synchronization

/// Writes the contended path's events into the calling thread's ring: contentions, releases that
/// made others wait, and the stacks they refer to. Called only while recording, only on the
/// contended path; never blocks, never allocates after the thread's first event.
enum Recorder {
    /// Numbers recording sessions (1, 2, …); bumped by each session start, before recording is
    /// turned on. Rings use it to know when their table of written stacks belongs to an old trace.
    static let sessionNumber = Atomic<UInt32>(0)
    /// When the running (or last) session started, on the `lockprof_now_ns` time line; written
    /// with `sessionNumber`, before recording is turned on.
    static let sessionStart = Atomic<UInt64>(0)

    /// The session recording now, or nil. The flag is read acquiring: it synchronizes with the
    /// releasing store that turned recording on, which the session's start made after writing
    /// `sessionNumber` and `sessionStart`, so a thread that sees the flag set sees that session's
    /// number and start, never the previous session's (x86 gives this for free; weakly ordered
    /// CPUs do not). Every read of a session's data goes through here.
    @inline(__always)
    static func recordingSession() -> (number: UInt32, start: UInt64)? {
        guard lockprof_is_recording_acquire() != 0 else { return nil }
        return (sessionNumber.load(ordering: .relaxed), sessionStart.load(ordering: .relaxed))
    }

    /// The calling thread's ring, created on its first event (the one allocation a thread makes
    /// for recording); nil once the thread is exiting.
    @inline(__always)
    static func currentRing() -> Unmanaged<ThreadRing>? {
        let raw = lockprof_current_ring()
        if _fastPath(UInt(bitPattern: raw) > retiredRingBits) {
            return Unmanaged<ThreadRing>.fromOpaque(raw!)
        }
        if UInt(bitPattern: raw) == retiredRingBits { return nil }
        return RingRegistry.shared.makeRingForCurrentThread()
    }

    static func recordContention(
        lockID: UInt32, time: UInt64, wait: UInt64, waiterStack: UInt64, holderStack: UInt64, timedOut: Bool
    ) {
        ContentionProfile.shared.addContention(lockID: lockID, wait: wait, waiterStack: waiterStack, holderStack: holderStack)
        guard logsEvents.load(ordering: .relaxed), let ring = currentRing() else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 5) { words in
            words[1] = time
            words[2] = wait
            var header: UInt64 = 0
            let length = RingEvent.appendStacks(waiterStack, holderStack, to: words, fixed: 2, header: &header)
            words[0] = header | RingEvent.header(kind: .contention, length: length, flag: timedOut, lockID: lockID)
            _ = ring._withUnsafeGuaranteedRef { $0.write(UnsafeBufferPointer(rebasing: words[0..<length])) }
        }
    }

    static func recordRelease(
        lockID: UInt32, time: UInt64, hold: UInt64, holderStack: UInt64, measuredFromAcquisition: Bool
    ) {
        ContentionProfile.shared.addHold(lockID: lockID, hold: hold, holderStack: holderStack)
        guard logsEvents.load(ordering: .relaxed), let ring = currentRing() else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { words in
            words[1] = time
            words[2] = hold
            var header: UInt64 = 0
            let length = RingEvent.appendStacks(holderStack, 0, to: words, fixed: 2, header: &header)
            words[0] = header | RingEvent.header(kind: .release, length: length, flag: measuredFromAcquisition, lockID: lockID)
            _ = ring._withUnsafeGuaranteedRef { $0.write(UnsafeBufferPointer(rebasing: words[0..<length])) }
        }
    }

    /// Records each (held lock → `lockID`) pair the calling thread has not recorded yet in this
    /// session, at any nesting depth, with the acquiring stack (captured once per call, whatever
    /// the stack budget: a pair is recorded once per thread and session, so this is bounded).
    /// Called only while recording, only when the thread holds profiled locks. Costs one lookup
    /// in the thread's ``RecordedLockOrders`` per held lock: 31 for the last lock of a 32-deep
    /// snapshot, none of them writing anything once its pairs are recorded.
    @inline(never)
    static func recordLockOrder(acquiring lockID: UInt32) {
        let depth = lockprof_held_depth()
        guard depth > 0, logsEvents.load(ordering: .relaxed), let session = recordingSession(), let ring = currentRing()
        else { return }
        ring._withUnsafeGuaranteedRef { ring in
            ring.forgetWrittenStacks(unlessSession: session.number)
            let recorded = ring.lockOrders
            var stack: UInt64 = 0
            var captured = false
            for index in 0..<depth {
                let heldLock = lockprof_held_lock(index)
                guard heldLock != lockID else { continue }
                let pair = RecordedLockOrders.key(held: heldLock, acquired: lockID)
                guard !recorded.contains(pair) else { continue }
                // A pair the table cannot remember is written each time it is met: its stack
                // then waits for the capture budget.
                let remembered = recorded.hasRoom(for: pair)
                if !captured && (remembered || ring.spendCaptureBudget(at: lockprof_now_ns())) {
                    captured = true
                    stack = capture(into: ring)
                }
                let written = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3) { words in
                    words[0] = RingEvent.header(kind: .lockOrder, length: 3, flag: false, lockID: lockID)
                    words[1] = UInt64(heldLock)
                    words[2] = stack
                    return ring.write(UnsafeBufferPointer(words))
                }
                if written && remembered { recorded.insert(pair) }
            }
        }
    }

    /// Publishes the calling thread's wait for `lockID` for the deadlock watchdog and
    /// ``LockProfiler/currentWaits()`` (``PublishedWait``); returns it, for the waiter to end when it stops waiting. Called only
    /// while recording, just before sleeping.
    static func publishWait(lockID: UInt32, since start: UInt64, stack: UInt64) -> PublishedWait? {
        guard let ring = currentRing() else { return nil }
        let wait = ring.takeUnretainedValue().wait
        wait.begin(lockID: lockID, since: start, stack: stack)
        return wait
    }

    /// Captures the calling thread's stack if its budget allows, writes it into the ring the
    /// first time this thread sees it, and returns its hash (0 when not captured).
    @inline(never)
    static func captureStack(at now: UInt64) -> UInt64 {
        guard let session = recordingSession(), let ring = currentRing() else { return 0 }
        return ring._withUnsafeGuaranteedRef { ring in
            guard ring.spendCaptureBudget(at: now) else { return 0 }
            ring.forgetWrittenStacks(unlessSession: session.number)
            return capture(into: ring)
        }
    }

    /// Captures the stack, writes its frames into `ring` unless this thread wrote them already,
    /// and returns its hash (0 when nothing could be captured).
    private static func capture(into ring: ThreadRing) -> UInt64 {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: RingEvent.maximumWords) { words in
            // Skip this function: the lock's own frames that follow are trimmed by the report.
            let captured = Int(lockprof_capture_stack(words.baseAddress! + 2, 64, 1))
            guard captured > 0 else { return 0 }
            let frames = UnsafeBufferPointer(rebasing: words[2..<(2 + captured)])
            let hash = stackHash(frames)
            ContentionProfile.shared.stacks.intern(hash: hash, addresses: frames)
            if logsEvents.load(ordering: .relaxed), !ring.hasWritten(stack: hash) {
                words[0] = RingEvent.header(kind: .stack, length: 2 + captured, flag: false, lockID: 0)
                words[1] = hash
                if ring.write(UnsafeBufferPointer(rebasing: words[0..<(2 + captured)])) {
                    ring.markWritten(stack: hash)
                }
            }
            return hash
        }
    }

    /// FNV-1a over the frame addresses; never 0 (0 means "no stack").
    static func stackHash(_ frames: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for frame in frames {
            hash = (hash ^ frame) &* 0x100_0000_01b3
            hash ^= hash >> 29
        }
        return hash == 0 ? 1 : hash
    }
}

/// `LOCKPROF_RING_RETIRED` from C (a cast macro, which Swift does not import).
let retiredRingBits: UInt = 1

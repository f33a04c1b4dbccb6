import CLockProfSupport
import Synchronization

/// Writes the contended path's events into the calling thread's ring: contentions, releases that
/// made others wait, and the stacks they refer to. Called only while recording, only on the
/// contended path; never blocks, never allocates after the thread's first event.
enum Recorder {
    /// Numbers recording sessions (1, 2, …); bumped by each session start, before recording is
    /// turned on. Rings use it to know when their table of written stacks belongs to an old trace.
    static let sessionNumber = Atomic<UInt32>(0)

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
        guard let ring = currentRing() else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 5) { words in
            words[0] = RingEvent.header(kind: .contention, length: 5, flag: timedOut, lockID: lockID)
            words[1] = time
            words[2] = wait
            words[3] = waiterStack
            words[4] = holderStack
            _ = ring._withUnsafeGuaranteedRef { $0.write(UnsafeBufferPointer(words)) }
        }
    }

    static func recordRelease(
        lockID: UInt32, time: UInt64, hold: UInt64, holderStack: UInt64, measuredFromAcquisition: Bool
    ) {
        guard let ring = currentRing() else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { words in
            words[0] = RingEvent.header(kind: .release, length: 4, flag: measuredFromAcquisition, lockID: lockID)
            words[1] = time
            words[2] = hold
            words[3] = holderStack
            _ = ring._withUnsafeGuaranteedRef { $0.write(UnsafeBufferPointer(words)) }
        }
    }

    /// Captures the calling thread's stack if its budget allows, writes it into the ring the
    /// first time this thread sees it, and returns its hash (0 when not captured).
    @inline(never)
    static func captureStack(at now: UInt64) -> UInt64 {
        guard let ring = currentRing() else { return 0 }
        return ring._withUnsafeGuaranteedRef { ring in
            guard ring.spendCaptureBudget(at: now) else { return 0 }
            ring.forgetWrittenStacks(unlessSession: sessionNumber.load(ordering: .acquiring))
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: RingEvent.maximumWords) { words in
                // Skip this function and the lock's slow path: the first frame kept is the lock
                // call site's callee (`lock()`, `unlock()` or `withLock`, trimmed by the report).
                let captured = Int(lockprof_capture_stack(words.baseAddress! + 2, 64, 1))
                guard captured > 0 else { return 0 }
                let frames = UnsafeBufferPointer(rebasing: words[2..<(2 + captured)])
                let hash = stackHash(frames)
                if !ring.hasWritten(stack: hash) {
                    words[0] = RingEvent.header(kind: .stack, length: 2 + captured, flag: false, lockID: 0)
                    words[1] = hash
                    if ring.write(UnsafeBufferPointer(rebasing: words[0..<(2 + captured)])) {
                        ring.markWritten(stack: hash)
                    }
                }
                return hash
            }
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

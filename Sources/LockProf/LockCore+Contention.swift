import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The contended path: waiting, and blaming the holder
//
// Every kind reuses these paths while giving the word its own meaning: a mutex's state
// (LockCore.swift), a semaphore's free permits, a condition's sequence; a reader-writer lock
// waits in pthread and uses no word. A thread about to sleep registers in `sleepers` first, so
// that a releasing holder knows to wake it and to blame itself. `HoldMode` says how a kind holds
// what it acquires, which decides how its counters may be written (LockCore+CounterBlock.swift).

extension LockCore {
    /// Times this hold (1 in 64 acquisitions) while recording. Its release, which tests
    /// `holdStart` whenever the acquisition was made while recording, accounts it. A lock that has
    /// a side block (it waited before) also times the holder's CPU (LockCore+HolderCPU.swift).
    @usableFromInline @inline(never)
    func startSampledHold() {
        guard lockprof_is_recording() != 0 else { return }
        let start = max(lockprof_now_ns(), 1)
        slots[LockSlot.holdStart].store(start, ordering: .relaxed)
        if let side = existingSideSlots { startHolderCPUClock(side, wallStart: start) }
    }

    /// Waits for the lock; returns false when `timeoutNanoseconds` (≥ 0) passed first.
    /// `timeoutNanoseconds < 0` waits forever. `heldWord` is the word the fast path would have
    /// written (``LockWord``); while recording a hold taken here is timed and marked so.
    @usableFromInline @inline(never)
    func lockContended(timeoutNanoseconds: Int64, heldWord: UInt32) -> Bool {
        let recording = lockprof_is_recording() != 0
        let waitStart = recording || timeoutNanoseconds >= 0 ? lockprof_now_ns() : 0
        let spinHeldWord = recording ? heldWord | LockWord.timedFlag : heldWord

        // Spin briefly: most holds are shorter than a futex round trip.
        for _ in 0..<LockCore.spinLimit {
            if word.pointee.load(ordering: .relaxed) == 0,
                word.pointee.compareExchange(expected: 0, desired: spinHeldWord, ordering: .acquiring).exchanged
            {
                acquiredAfterWait(since: waitStart, recording: recording, waiterStack: 0)
                return true
            }
            spinPause()
        }

        let waiterStack = beginSleeping(since: waitStart, recording: recording)
        let publishedWait = recording ? Recorder.publishWait(lockID: lockID, since: waitStart, stack: waiterStack) : nil
        defer { publishedWait?.end() }
        let deadline =
            timeoutNanoseconds >= 0 ? WaitClock.deadline(after: waitStart, timeoutNanoseconds: timeoutNanoseconds) : .max
        while word.pointee.exchange(2, ordering: .acquiring) != 0 {
            var remaining: Int64 = -1
            if timeoutNanoseconds >= 0 {
                let now = lockprof_now_ns()
                guard now < deadline else {
                    removeSleeper()
                    timedOut(since: waitStart, at: now, recording: recording, waiterStack: waiterStack)
                    return false
                }
                remaining = WaitClock.remaining(until: deadline, from: now)
            }
            _ = lockprof_futex_wait(futexAddress, 2, remaining)
        }
        removeSleeper()
        acquiredAfterWait(since: waitStart, recording: recording, waiterStack: waiterStack)
        return true
    }

    /// A thread about to sleep registers as a sleeper (so that releasing holders know to wake and
    /// blame) and, while recording, publishes its arrival and captures its stack — it would be
    /// waiting anyway. Returns the stack's hash (0 when not captured).
    func beginSleeping(since waitStart: UInt64, recording: Bool) -> UInt64 {
        let otherSleepers = addSleeper()
        guard recording else { return 0 }
        if otherSleepers == 0 {
            // First sleeper: whatever is there is left over from an earlier wait.
            sideSlots[SideSlot.firstWaiterArrival].store(waitStart, ordering: .relaxed)
        } else {
            _ = sideSlots[SideSlot.firstWaiterArrival].compareExchange(expected: 0, desired: waitStart, ordering: .relaxed)
        }
        return Recorder.captureStack(at: waitStart)
    }

    /// How a kind holds what it acquires, which decides how its counters may be written.
    @usableFromInline
    enum HoldMode {
        /// One holder at a time (mutex, writer, recursive lock): plain increments under the lock,
        /// and the hold is timed.
        case exclusive
        /// A reader-writer lock's readers: several hold at once, so atomic adds, into the shared
        /// side's counters as well; holds are not timed.
        case reader
        /// A semaphore's permits: several hold at once, atomic adds; holds are not timed.
        case permit
    }

    /// The part of a wait (or hold) from `start` to `now` that lies in the session recording now
    /// (nil when none records): its length, and whether it began in that session. A wait begun
    /// before the session (in an earlier one, or before any) is clipped to the session's start,
    /// and the waiter stack it captured then belongs to an earlier trace, so it is not named.
    /// Sessions are told apart by time: a session starts after the previous one stopped.
    func sessionPart(since start: UInt64, to now: UInt64) -> (nanoseconds: UInt64, beganInSession: Bool)? {
        guard let session = Recorder.recordingSession() else { return nil }
        return (WaitClock.elapsed(from: max(start, session.start), to: now), start >= session.start)
    }

    /// Under the lock, after waiting: counts, times, and records the contention. For the shared
    /// modes the published holder stack is taken with an exchange, so that exactly one waiter
    /// blames it. It is taken whether or not this wait is recorded, so none is left published
    /// for a later, unrelated contention.
    func acquiredAfterWait(since waitStart: UInt64, recording: Bool, waiterStack: UInt64, mode: HoldMode = .exclusive) {
        defer { markTouched() }  // after every count below (LockCore+CounterBlock.swift)
        switch mode {
        case .exclusive:
            add(1, to: .acquisitions)
            add(1, to: .contendedAcquisitions)
        case .reader:
            addAtomically(1, to: .sharedAcquisitions)
            addAtomically(1, to: .sharedContendedAcquisitions)
            addAtomically(1, to: .contendedAcquisitions)
        case .permit:
            addAtomically(1, to: .acquisitions)
            addAtomically(1, to: .contendedAcquisitions)
        }
        let side = sideSlots
        let holderStack: UInt64
        if mode != .exclusive {
            holderStack = side[SideSlot.holderStack].exchange(0, ordering: .relaxed)
        } else {
            // Consume the stack the releasing holder published for us (0 when it did not publish).
            holderStack = side[SideSlot.holderStack].load(ordering: .relaxed)
            if holderStack != 0 { side[SideSlot.holderStack].store(0, ordering: .relaxed) }
        }
        guard recording else { return }
        let now = lockprof_now_ns()
        // The word says this hold is timed (it began with a wait while recording).
        if mode == .exclusive {
            slots[LockSlot.holdStart].store(max(now, 1), ordering: .relaxed)
            startHolderCPUClock(side, wallStart: max(now, 1))
        }
        accountWait(since: waitStart, to: now, waiterStack: waiterStack, holderStack: holderStack, timedOut: false, mode: mode)
    }

    /// Outside the lock, after giving up: counted with read-modify-writes.
    func timedOut(since waitStart: UInt64, at now: UInt64, recording: Bool, waiterStack: UInt64, mode: HoldMode = .exclusive) {
        defer { markTouched() }  // after the wait's counts too
        countTimeout()
        guard recording else { return }
        accountWait(since: waitStart, to: now, waiterStack: waiterStack, holderStack: 0, timedOut: true, mode: mode)
    }

    /// Counts a wait begun while recording and, when a session records now, writes its event:
    /// the part of the wait inside that session (``sessionPart(since:to:)``).
    private func accountWait(
        since waitStart: UInt64, to now: UInt64, waiterStack: UInt64, holderStack: UInt64, timedOut: Bool, mode: HoldMode
    ) {
        guard let part = sessionPart(since: waitStart, to: now) else {
            countWait(WaitClock.elapsed(from: waitStart, to: now))  // recording stopped meanwhile
            return
        }
        countWait(part.nanoseconds)
        if mode == .reader { addAtomically(part.nanoseconds, to: .sharedWaitNanoseconds) }
        Recorder.recordContention(
            lockID: identity.lockID, time: now, wait: part.nanoseconds, waiterStack: part.beganInSession ? waiterStack : 0,
            holderStack: holderStack, timedOut: timedOut)
    }

    /// Adds one wait (acquired or timed out) to the total, the maximum and the histogram. Atomic
    /// read-modify-writes: a timed-out waiter does not hold the lock.
    func countWait(_ wait: UInt64) {
        let side = sideSlots
        side[SideSlot.of(.waitNanoseconds)].wrappingAdd(wait, ordering: .relaxed)
        var maximum = side[SideSlot.of(.maximumWaitNanoseconds)].load(ordering: .relaxed)
        while wait > maximum {
            let (exchanged, current) = side[SideSlot.of(.maximumWaitNanoseconds)].compareExchange(
                expected: maximum, desired: wait, ordering: .relaxed)
            if exchanged { break }
            maximum = current
        }
        side[SideSlot.histogram + LockCore.histogramBucket(wait)].wrappingAdd(1, ordering: .relaxed)
    }

    /// Release when the word is not what the acquisition left (a timed hold, possible sleepers,
    /// or the recording flag changed during the hold): forget the held-lock entry if any, account
    /// the hold, record a release that made others wait (with the holder's stack, published for
    /// the waiter that takes over), then release the word.
    @usableFromInline @inline(never)
    func unlockSlow() {
        forgetHeld()
        let holderStack = accountRelease(holdStart: takeHoldStart())
        publishHolderStack(holderStack)
        if word.pointee.exchange(0, ordering: .releasing) == 2 {
            lockprof_futex_wake(futexAddress, 1)
        }
    }

    /// While recording, accounts a release by a holder whose hold began at `holdStart` (0: not
    /// timed): a blocking hold with the holder's stack and a `release` event when threads sleep
    /// on the lock, else a sampled hold when it was timed; and the holder's CPU time over the
    /// hold when its start read it (LockCore+HolderCPU.swift). Returns the holder's stack hash
    /// for the next waiter to blame (0 when none). Called by the releasing holder, before releasing.
    func accountRelease(holdStart: UInt64, mode: HoldMode = .exclusive) -> UInt64 {
        /// Holders of the shared modes release concurrently: their counts need atomic adds.
        func count(_ value: UInt64, to counter: LockCounter) {
            if mode == .exclusive { add(value, to: counter) } else { addAtomically(value, to: counter) }
        }
        var holderStack: UInt64 = 0
        let sleeping = hasSleepers
        // Taken at every release of a timed hold, counted or not: no later hold reads it.
        let holderCPUStart = holdStart != 0 && mode == .exclusive ? takeHolderCPUStart() : 0
        if sleeping || holdStart != 0, let session = Recorder.recordingSession() {
            defer { markTouched() }  // after the counts below
            // The CPU clock first: its interval then lies inside the wall clock's.
            let holderCPU = LockCore.holderCPUNanoseconds(
                from: holderCPUStart, to: holderCPUStart != 0 ? lockprof_thread_cpu_ns() : 0)
            let now = lockprof_now_ns()
            /// Counts a hold of `hold` ns measured from its start, with its CPU time if that was read.
            func countHolderCPU(hold: UInt64) {
                guard let holderCPU else { return }
                count(hold, to: .cpuMeasuredHoldNanoseconds)
                count(holderCPU, to: .holderCPUNanoseconds)
            }
            if sleeping {
                var measuredFromAcquisition = holdStart != 0
                var begin = holdStart
                if !measuredFromAcquisition {
                    begin = sideSlots[SideSlot.firstWaiterArrival].load(ordering: .relaxed)
                    if begin == 0 || begin > now { begin = now }
                }
                // Not from before this session: a sleeper that registered while nothing recorded
                // stamped no arrival, and what the slot holds may be sessions old. Clipped, the
                // hold is a lower bound, flagged as not measured from the acquisition.
                if begin < session.start {
                    begin = session.start
                    measuredFromAcquisition = false
                }
                let hold = WaitClock.elapsed(from: begin, to: now)
                count(1, to: .blockingHolds)
                count(hold, to: .blockingHoldNanoseconds)
                if measuredFromAcquisition { countHolderCPU(hold: hold) }
                // Those still asleep wait on the next holder from now.
                sideSlots[SideSlot.firstWaiterArrival].store(now, ordering: .relaxed)
                holderStack = Recorder.captureStack(at: now)
                Recorder.recordRelease(
                    lockID: identity.lockID, time: now, hold: hold, holderStack: holderStack,
                    measuredFromAcquisition: measuredFromAcquisition)
            } else if holdStart >= session.start {
                // A timed hold that made nobody wait: a sample for the hold-time estimate (only
                // when it began in this session: an older start would lengthen the sample).
                let hold = WaitClock.elapsed(from: holdStart, to: now)
                count(1, to: .sampledHolds)
                count(hold, to: .sampledHoldNanoseconds)
                countHolderCPU(hold: hold)
            }
        }
        return holderStack
    }

    /// Polls of the word before sleeping. On 2 cores a long spin mostly loses the race to the
    /// holder re-acquiring and then sleeps anyway (docs/design.md gives the measurements).
    static let spinLimit = 10

    @inline(__always)
    private func spinPause() { lockprof_cpu_pause() }

    /// `floor(log2(max(wait, 1)))`, the histogram bucket of a wait.
    static func histogramBucket(_ wait: UInt64) -> Int {
        63 - max(wait, 1).leadingZeroBitCount
    }

    // MARK: Sleepers

    /// Registers a thread about to sleep on this lock, so that releasing holders (and signalers)
    /// know to wake it; returns how many were registered before it. Sequentially consistent: a
    /// semaphore's or a condition's signaler adds to the word, then reads the sleepers (both
    /// sequentially consistent) to decide whether to wake (ProfiledSemaphore.swift).
    @discardableResult
    func addSleeper() -> UInt64 {
        slots[LockSlot.sleepers].wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
    }

    /// Unregisters a sleeper that acquired, or gave up.
    func removeSleeper() {
        slots[LockSlot.sleepers].wrappingSubtract(1, ordering: .relaxed)
    }

    /// Whether a thread sleeps on the lock (or is about to): then a release takes the slow path,
    /// to account the blocking hold and publish the holder's stack. A relaxed read, for the fast
    /// release of a kind whose own release wakes (pthread, or ``incrementWordAndWake(upTo:)``).
    @inlinable
    var hasSleepers: Bool {
        @inline(__always) get { slots[LockSlot.sleepers].load(ordering: .relaxed) != 0 }
    }

    /// The signalling side of the semaphore's and the condition's protocols: adds 1 to the word
    /// (a permit; the next sequence), then reads the sleepers, both sequentially consistent, and
    /// wakes up to `count` of them when there are any.
    @inlinable @inline(__always)
    func incrementWordAndWake(upTo count: Int32) {
        word.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if _slowPath(slots[LockSlot.sleepers].load(ordering: .sequentiallyConsistent) != 0) {
            lockprof_futex_wake(futexAddress, count)
        }
    }

    // MARK: Timed holds and the holder's stack

    /// Whether the current hold is timed (`holdStart` is set): then its release accounts it.
    /// Read by the holder.
    @inlinable
    var isHoldTimed: Bool {
        @inline(__always) get { slots[LockSlot.holdStart].load(ordering: .relaxed) != 0 }
    }

    /// When the current hold began if it is timed, else 0; and clears it. By the releasing holder.
    func takeHoldStart() -> UInt64 {
        let holdStart = slots[LockSlot.holdStart].load(ordering: .relaxed)
        slots[LockSlot.holdStart].store(0, ordering: .relaxed)
        return holdStart
    }

    /// Publishes the releasing holder's stack hash for the waiter that acquires next to blame
    /// (see `holderStack` in LockCore+CounterBlock.swift). By the releasing holder, before it releases.
    func publishHolderStack(_ stack: UInt64) {
        if stack == 0, existingSideSlots == nil { return }  // nothing published: nothing to clear
        sideSlots[SideSlot.holderStack].store(stack, ordering: .relaxed)
    }
}

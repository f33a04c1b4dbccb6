import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The lock word and its protocol
//
// A LockCore is a futex mutex in the style of Drepper's "Futexes Are Tricky" (mutex 3), plus
// the counters lockprof keeps about it, all in one 64-byte-aligned block of memory that never
// moves (the futex needs a stable address, so it is not a Swift stored property).
//
// The word (UInt32 at offset 0):
//   0  free
//   2  held, and a thread may be sleeping in futex_wait on the word
//   any other value: held, nobody sleeping; the holder wrote it and it says what its release
//      must do besides freeing the word (`LockWord`):
//        1            nothing (acquired while not recording)
//        1 | 4  = 5   pop the lock from the thread's held locks, and look at `holdStart`
//                     (acquired while recording: 1 in 64 such holds is timed)
//        h | 8        the hold is timed (`holdStart` is set): a hold that began with a spin
//                     while recording
//
// - lock:    compareExchange 0 → h (acquiring), h = 1 or 5 by the recording flag. On failure the
//            thread spins briefly (`spinLimit` polls), watching for 0 and retrying 0 → h (h | 8
//            while recording: such a hold is timed); then it sleeps: exchange(2) (acquiring) and,
//            while the old value was not 0, futex_wait(word, 2) and exchange(2) again. A thread
//            that acquired with exchange(2) leaves the word at 2, so its unlock wakes someone:
//            that is what makes a wake-up impossible to lose (a sleeper is always behind a 2).
//            The holder itself never writes the word while holding it.
// - unlock:  compareExchange h → 0 (releasing), h = what the matching lock wrote (`withLock`
//            knows it; a bare `unlock()` assumes 1 or 5 by the recording flag now), after the
//            pop and the `holdStart` test when h = 5. That single instruction is the whole
//            release when it succeeds: the word was neither 2 (no sleeper) nor h | 8. When it
//            fails (2, h | 8, or the flag changed during the hold), or `holdStart` is set, the
//            slow release accounts the hold, pops the held-lock entry if there is one, then
//            exchange(0) (releasing) and futex_wake(1) when the old value was 2.
//            Only waiters write 2 and only a release moves the word away from 2, so the fast
//            release never frees a word a sleeper depends on. `holdStart` is set only by a
//            sampled acquisition made while recording (h = 5: its release tests it) or by a
//            wait while recording (word 2 or h | 8): the fast release never skips a timed hold.
// - tryLock: compareExchange 0 → h only.
//
// Acquiring/releasing orderings make everything the holder wrote under the lock visible to the
// next holder. Only the word is contended; every other field below is either written only by
// the holder (under the lock), or updated with atomic read-modify-writes.
//
// The counters (UInt64 slots after the word):
//   written only by the holder, with relaxed load + relaxed store (a plain `mov`, no `lock`
//   prefix: they are "plain increments under the lock itself", yet a concurrent snapshot reads
//   them without a data race):
//     acquisitions, contended, sampledHolds, sampledHoldNanoseconds, blockingHolds,
//     blockingHoldNanoseconds, holdStart, holderStack, owner (debug builds only)
//   updated with relaxed read-modify-writes, because some of their writers do not hold the lock
//   (a timed-out waiter gives up without it, yet its wait counts):
//     failedTryLocks, timeouts, sleepers, waitNanoseconds, maximumWait (compare-exchange loop),
//     histogram. Only the contended path writes these, where an atomic add is noise next to the
//     futex calls.
//   firstWaiterArrival: when the waiters now asleep started waiting for the current holder.
//     Stored by a waiter that finds no other sleeper (sleepers went 0 → 1), else set only if 0;
//     moved to `now` by a blocking release (the sleepers left behind now wait for the next
//     holder). Read by a releasing holder whose acquisition was not timed.
//   holderStack: the stack hash a blocking release publishes just before releasing the word;
//     read and cleared (under the lock) by the waiter that acquires next, so each published
//     stack is blamed by exactly one contention event, and never by a later, unrelated one.

/// Indices of the 64-bit slots that follow the lock word.
@usableFromInline
enum LockSlot {
    @usableFromInline static let acquisitions = 0
    /// Time the current hold began when it is timed (sampled, or begun by a wait), else 0.
    @usableFromInline static let holdStart = 1
    /// The holder's thread token in debug builds, for the non-owner unlock check.
    @usableFromInline static let owner = 2
    @usableFromInline static let sleepers = 3
    static let contended = 4
    static let waitNanoseconds = 5
    static let maximumWait = 6
    static let sampledHolds = 7
    static let sampledHoldNanoseconds = 8
    static let blockingHolds = 9
    static let blockingHoldNanoseconds = 10
    static let failedTryLocks = 11
    static let timeouts = 12
    static let firstWaiterArrival = 13
    static let holderStack = 14
    static let histogram = 15
    // Per-kind counters (see the kinds' files for who writes them and how).
    /// Recursive locks: acquisitions by the thread already holding the lock.
    @usableFromInline static let reentries = histogram + TraceLimits.histogramBuckets
    /// Reader-writer locks: the reader side's acquisitions, contended acquisitions and wait.
    @usableFromInline static let sharedAcquisitions = reentries + 1
    static let sharedContended = reentries + 2
    static let sharedWaitNanoseconds = reentries + 3
    /// Conditions: time spent asleep in `wait()`, and signal/broadcast calls.
    static let conditionWaitNanoseconds = reentries + 4
    @usableFromInline static let signals = reentries + 5
    @usableFromInline static let broadcasts = reentries + 6
    static let count = reentries + 7
}

/// Values and flags of the lock word (see the protocol above).
@usableFromInline
enum LockWord {
    /// Held, acquired while not recording: the release only frees the word.
    @usableFromInline static let held: UInt32 = 1
    /// Held, and a thread may sleep on the word.
    @usableFromInline static let sleepers: UInt32 = 2
    /// Flag: the acquisition pushed the lock on the thread's held locks (lock order).
    @usableFromInline static let pushedFlag: UInt32 = 4
    /// Held, acquired while recording: the release also pops the held-lock entry.
    @usableFromInline static let heldPushed: UInt32 = held | pushedFlag
    /// Flag: the hold began with a spin while recording and is timed (`LockSlot.holdStart` is set).
    @usableFromInline static let timedFlag: UInt32 = 8

    /// What an acquisition writes into the word, by the recording flag read at that moment.
    @inlinable @inline(__always)
    static func held(recording: Bool) -> UInt32 { recording ? heldPushed : held }
}

/// The machinery every profiled lock shares: the futex word, the exact counters, and the slow
/// paths that time waits and record events. One of the two types (with ``ThreadRing``) that
/// touch unsafe memory; the public locks are thin wrappers around it.
///
/// The fast paths are `@inlinable` so an uncontended `lock()`/`unlock()` compiles, in the
/// caller's module, to a test of the recording flag, one compare-exchange in, two plain counter
/// moves and one compare-exchange out (docs/performance.md lists the instructions).
@usableFromInline
final class LockCore: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is in `word`/`slots`, accessed only through
    // atomics following the protocol above.

    /// The futex word.
    @usableFromInline let word: UnsafeMutablePointer<Atomic<UInt32>>
    /// The counters, indexed by ``LockSlot``: always the 8 bytes after the word, so the fast
    /// paths reach them from the word's address without loading another pointer.
    @inlinable
    var slots: UnsafeMutablePointer<Atomic<UInt64>> {
        @inline(__always) get { LockCore.slots(word) }
    }
    /// Identity and description, as registered.
    let identity: LockIdentity
    /// `identity.lockID`, for the inlined lock-order bookkeeping.
    @usableFromInline let lockID: UInt32
    private let memory: UnsafeMutableRawPointer

    /// - Parameter initialWord: the word's first value: 0 (free) for a mutex; the permit count
    ///   for a semaphore, which uses the word as its counter.
    init(kind: LockKind, name: String?, fileID: StaticString, line: UInt, initialWord: UInt32 = 0) {
        let site = "\(fileID):\(line)"
        memory = UnsafeMutableRawPointer.allocate(byteCount: 8 + 8 * LockSlot.count, alignment: 64)
        word = memory.bindMemory(to: Atomic<UInt32>.self, capacity: 1)
        word.initialize(to: Atomic(initialWord))
        let slots = (memory + 8).bindMemory(to: Atomic<UInt64>.self, capacity: LockSlot.count)
        for index in 0..<LockSlot.count { (slots + index).initialize(to: Atomic(0)) }
        identity = LockRegistry.shared.register(
            kind: kind, name: name ?? site, site: site, word: word, slots: slots)
        lockID = identity.lockID
    }

    deinit {
        LockRegistry.shared.unregister(identity.lockID)
        word.deinitialize(count: 1)
        slots.deinitialize(count: LockSlot.count)
        memory.deallocate()
    }

    // MARK: Fast paths (inlined into the caller)

    // The wrappers (`ProfiledLock`, `ProfiledMutex`) keep the word's address next to their core
    // and call the static forms with both: the word is then one load away from the wrapper, not
    // two (the compiler reloads class fields after every atomic operation). The instance forms
    // are for the family kinds.

    @inlinable @inline(__always)
    func lock() { _ = LockCore.lock(word, self) }

    @inlinable @inline(__always)
    func lockReturningHeldWord() -> UInt32 { LockCore.lock(word, self) }

    @inlinable @inline(__always)
    func tryLock() -> Bool { LockCore.tryLock(word, self) != 0 }

    /// Acquires `core`'s lock, whose word is at `word`; returns the word it left
    /// (``LockWord``), for ``unlock(_:_:heldWord:)``.
    ///
    /// Not recording: one test of the flag, one compare-exchange and the acquisition count
    /// (holds are timed only while recording, so no sampling test). Recording: the pair
    /// (held → this) when this thread holds other profiled locks (out of line, before waiting),
    /// the sampled count and a push on the thread's held locks (a few inlined instructions on a
    /// thread-local array).
    @inlinable @inline(__always)
    static func lock(_ word: UnsafeMutablePointer<Atomic<UInt32>>, _ core: LockCore) -> UInt32 {
        if _fastPath(lockprof_is_recording() == 0) {
            if _fastPath(word.pointee.compareExchange(expected: 0, desired: LockWord.held, ordering: .acquiring).exchanged) {
                countUnsampledAcquisition(word)
            } else {
                _ = core.lockContended(timeoutNanoseconds: -1, heldWord: LockWord.held)
                lockprof_keep_frame()
            }
            core.debugSetOwner()
            return LockWord.held
        }
        core.noteLockOrder()
        if _fastPath(word.pointee.compareExchange(expected: 0, desired: LockWord.heldPushed, ordering: .acquiring).exchanged) {
            countAcquisition(word, core)
        } else {
            _ = core.lockContended(timeoutNanoseconds: -1, heldWord: LockWord.heldPushed)
            lockprof_keep_frame()
        }
        lockprof_held_push(core.lockID)
        core.debugSetOwner()
        return LockWord.heldPushed
    }

    /// Acquires the lock if it is free; returns the word it left (``LockWord``), 0 when it did not.
    @inlinable @inline(__always)
    static func tryLock(_ word: UnsafeMutablePointer<Atomic<UInt32>>, _ core: LockCore) -> UInt32 {
        let recording = lockprof_is_recording() != 0
        let held = LockWord.held(recording: recording)
        if _fastPath(word.pointee.compareExchange(expected: 0, desired: held, ordering: .acquiring).exchanged) {
            // A tryLock cannot deadlock: it orders nothing, but what is taken after it is ordered.
            if _slowPath(recording) {
                countAcquisition(word, core)
                lockprof_held_push(core.lockID)
            } else {
                countUnsampledAcquisition(word)
            }
            core.debugSetOwner()
            return held
        }
        core.countFailedTryLock()
        return 0
    }

    @inlinable
    func lock(timeoutNanoseconds: Int64) -> Bool {
        let recording = lockprof_is_recording() != 0
        let held = LockWord.held(recording: recording)
        if _slowPath(recording) { noteLockOrder() }
        if _fastPath(word.pointee.compareExchange(expected: 0, desired: held, ordering: .acquiring).exchanged) {
            // Only an acquisition made while recording may be timed: its release looks for it.
            if recording { countAcquisition() } else { LockCore.countUnsampledAcquisition(word) }
        } else if !lockContended(timeoutNanoseconds: max(timeoutNanoseconds, 0), heldWord: held) {
            lockprof_keep_frame()
            return false
        }
        if _slowPath(recording) { lockprof_held_push(lockID) }
        debugSetOwner()
        return true
    }

    /// While recording: when this thread holds other profiled locks, records each (held → this)
    /// pair it has not recorded yet, before waiting, so that even a real deadlock leaves its
    /// order in the trace. One thread-local read when nothing is held.
    @inlinable @inline(__always)
    func noteLockOrder() {
        if _slowPath(lockprof_held_count() != 0) {
            recordLockOrder()
            lockprof_keep_frame()
        }
    }

    @usableFromInline @inline(never)
    func recordLockOrder() {
        Recorder.recordLockOrder(acquiring: lockID)
    }

    /// Removes this lock from the thread's held locks when any are tracked (one thread-local read
    /// otherwise). Done whether or not still recording, so no entry outlives its hold.
    @inlinable @inline(__always)
    func forgetHeld() {
        if _slowPath(lockprof_held_count() != 0) { lockprof_held_pop(lockID) }
    }

    @inlinable @inline(__always)
    func unlock() { LockCore.unlock(word, self) }

    @inlinable @inline(__always)
    func unlock(heldWord: UInt32) { LockCore.unlock(word, self, heldWord: heldWord) }

    /// Releases a lock taken by `lock()` or `tryLock()`: the word they left is 1 or 5 by the
    /// recording flag, unless the flag changed during the hold (then the slow release runs).
    @inlinable @inline(__always)
    static func unlock(_ word: UnsafeMutablePointer<Atomic<UInt32>>, _ core: LockCore) {
        unlock(word, core, heldWord: LockWord.held(recording: lockprof_is_recording() != 0))
    }

    /// Releases the lock whose acquisition returned `heldWord`. Acquired while recording: the
    /// held-lock pop, and the slow release when the hold is timed (1 in 64: `holdStart` is set).
    /// Then one compare-exchange when the word is still `heldWord` (nobody sleeps, no timed
    /// hold begun by a wait). The slow release pops too; a lock is on its thread's held locks at
    /// most once, so a second pop finds nothing.
    @inlinable @inline(__always)
    static func unlock(_ word: UnsafeMutablePointer<Atomic<UInt32>>, _ core: LockCore, heldWord: UInt32) {
        core.debugCheckAndClearOwner()
        if _slowPath(heldWord != LockWord.held) {
            lockprof_held_pop(core.lockID)
            if _slowPath(slots(word)[LockSlot.holdStart].load(ordering: .relaxed) != 0) {
                core.unlockSlow()
                lockprof_keep_frame()
                return
            }
        }
        if _fastPath(word.pointee.compareExchange(expected: heldWord, desired: 0, ordering: .releasing).exchanged) {
            return
        }
        core.unlockSlow()
        lockprof_keep_frame()
    }

    /// The counters of the lock whose word is at `word` (see ``slots``).
    @inlinable @inline(__always)
    static func slots(_ word: UnsafeMutablePointer<Atomic<UInt32>>) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (UnsafeMutableRawPointer(word) + 8).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Counts an acquisition made while not recording: a plain increment by the holder.
    @inlinable @inline(__always)
    static func countUnsampledAcquisition(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        let acquisitions = slots(word) + LockSlot.acquisitions
        acquisitions.pointee.store(acquisitions.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    /// Counts an acquisition; one in ``TraceLimits/holdSampleInterval`` is timed while recording,
    /// starting with the first, so every lock that is taken at all has a sampled hold.
    @inlinable @inline(__always)
    static func countAcquisition(_ word: UnsafeMutablePointer<Atomic<UInt32>>, _ core: LockCore) {
        let acquisitions = slots(word) + LockSlot.acquisitions
        let before = acquisitions.pointee.load(ordering: .relaxed)
        acquisitions.pointee.store(before &+ 1, ordering: .relaxed)
        if _slowPath(before & (TraceLimits.holdSampleInterval - 1) == 0) { core.startSampledHold() }
    }

    @inlinable @inline(__always)
    func countAcquisition() { LockCore.countAcquisition(word, self) }

    /// Counts an acquisition by the thread already holding a recursive lock (only the holder
    /// writes the slot: a plain increment, see the protocol above).
    @inlinable @inline(__always)
    func countReentry() {
        slots[LockSlot.reentries].store(slots[LockSlot.reentries].load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    @inlinable @inline(__always)
    func debugSetOwner() {
        debugOnly { slots[LockSlot.owner].store(UInt64(lockprof_thread_token()), ordering: .relaxed) }
    }

    @inlinable @inline(__always)
    func debugCheckAndClearOwner() {
        debugOnly {
            let owner = slots[LockSlot.owner].load(ordering: .relaxed)
            if owner != UInt64(lockprof_thread_token()) { unlockedByNonOwner() }
            slots[LockSlot.owner].store(0, ordering: .relaxed)
        }
    }

    /// Runs `body` in debug builds only (where `_isDebugAssertConfiguration()` holds), as
    /// swift-nio's `debugOnly`: inside `assert`, so release builds neither run nor warn about it.
    @inlinable @inline(__always)
    func debugOnly(_ body: () -> Void) {
        assert(
            {
                body()
                return true
            }())
    }

    @usableFromInline
    var futexAddress: UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
    }

    // MARK: Slow paths (out of line)

    @usableFromInline @inline(never)
    func unlockedByNonOwner() {
        preconditionFailure("lockprof: '\(identity.name)' unlocked by a thread that does not hold it")
    }

    @usableFromInline @inline(never)
    func countFailedTryLock() {
        slots[LockSlot.failedTryLocks].wrappingAdd(1, ordering: .relaxed)
    }

    /// Times this hold (1 in 64 acquisitions) while recording. Its release, which tests
    /// `holdStart` whenever the acquisition was made while recording, accounts it.
    @usableFromInline @inline(never)
    func startSampledHold() {
        guard lockprof_is_recording() != 0 else { return }
        slots[LockSlot.holdStart].store(max(lockprof_now_ns(), 1), ordering: .relaxed)
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
        let deadline = timeoutNanoseconds >= 0 ? waitStart &+ UInt64(timeoutNanoseconds) : UInt64.max
        while word.pointee.exchange(2, ordering: .acquiring) != 0 {
            var remaining: Int64 = -1
            if timeoutNanoseconds >= 0 {
                let now = lockprof_now_ns()
                guard now < deadline else {
                    slots[LockSlot.sleepers].wrappingSubtract(1, ordering: .relaxed)
                    timedOut(since: waitStart, at: now, recording: recording, waiterStack: waiterStack)
                    return false
                }
                remaining = Int64(deadline - now)
            }
            _ = lockprof_futex_wait(futexAddress, 2, remaining)
        }
        slots[LockSlot.sleepers].wrappingSubtract(1, ordering: .relaxed)
        acquiredAfterWait(since: waitStart, recording: recording, waiterStack: waiterStack)
        return true
    }

    /// A thread about to sleep registers as a sleeper (so that releasing holders know to wake and
    /// blame) and, while recording, publishes its arrival and captures its stack — it would be
    /// waiting anyway. Returns the stack's hash (0 when not captured).
    func beginSleeping(since waitStart: UInt64, recording: Bool) -> UInt64 {
        // Sequentially consistent: a semaphore's signal adds a permit, then reads the sleepers
        // (both sequentially consistent) to decide whether to wake; see ProfiledSemaphore.
        let otherSleepers = slots[LockSlot.sleepers].wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
        guard recording else { return 0 }
        if otherSleepers == 0 {
            // First sleeper: whatever is there is left over from an earlier wait.
            slots[LockSlot.firstWaiterArrival].store(waitStart, ordering: .relaxed)
        } else {
            _ = slots[LockSlot.firstWaiterArrival].compareExchange(expected: 0, desired: waitStart, ordering: .relaxed)
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

    /// Under the lock, after waiting: counts, times, and records the contention. For the shared
    /// modes the published holder stack is taken with an exchange, so that exactly one waiter
    /// blames it.
    func acquiredAfterWait(since waitStart: UInt64, recording: Bool, waiterStack: UInt64, mode: HoldMode = .exclusive) {
        switch mode {
        case .exclusive:
            add(1, to: LockSlot.acquisitions)
            add(1, to: LockSlot.contended)
        case .reader:
            slots[LockSlot.sharedAcquisitions].wrappingAdd(1, ordering: .relaxed)
            slots[LockSlot.sharedContended].wrappingAdd(1, ordering: .relaxed)
            slots[LockSlot.contended].wrappingAdd(1, ordering: .relaxed)
        case .permit:
            slots[LockSlot.acquisitions].wrappingAdd(1, ordering: .relaxed)
            slots[LockSlot.contended].wrappingAdd(1, ordering: .relaxed)
        }
        guard recording else { return }
        let now = lockprof_now_ns()
        let wait = now &- waitStart
        countWait(wait)
        if mode == .reader { slots[LockSlot.sharedWaitNanoseconds].wrappingAdd(wait, ordering: .relaxed) }
        let holderStack: UInt64
        if mode != .exclusive {
            holderStack = slots[LockSlot.holderStack].exchange(0, ordering: .relaxed)
        } else {
            slots[LockSlot.holdStart].store(max(now, 1), ordering: .relaxed)
            // Consume the stack the releasing holder published for us (0 when it did not publish).
            holderStack = slots[LockSlot.holderStack].load(ordering: .relaxed)
            if holderStack != 0 { slots[LockSlot.holderStack].store(0, ordering: .relaxed) }
        }
        Recorder.recordContention(
            lockID: identity.lockID, time: now, wait: wait, waiterStack: waiterStack, holderStack: holderStack,
            timedOut: false)
    }

    /// Outside the lock, after giving up: counted with read-modify-writes.
    func timedOut(since waitStart: UInt64, at now: UInt64, recording: Bool, waiterStack: UInt64, mode: HoldMode = .exclusive) {
        slots[LockSlot.timeouts].wrappingAdd(1, ordering: .relaxed)
        guard recording else { return }
        let wait = now &- waitStart
        countWait(wait)
        if mode == .reader { slots[LockSlot.sharedWaitNanoseconds].wrappingAdd(wait, ordering: .relaxed) }
        Recorder.recordContention(
            lockID: identity.lockID, time: now, wait: wait, waiterStack: waiterStack, holderStack: 0, timedOut: true)
    }

    /// Adds one wait (acquired or timed out) to the total, the maximum and the histogram. Atomic
    /// read-modify-writes: a timed-out waiter does not hold the lock.
    func countWait(_ wait: UInt64) {
        slots[LockSlot.waitNanoseconds].wrappingAdd(wait, ordering: .relaxed)
        var maximum = slots[LockSlot.maximumWait].load(ordering: .relaxed)
        while wait > maximum {
            let (exchanged, current) = slots[LockSlot.maximumWait].compareExchange(
                expected: maximum, desired: wait, ordering: .relaxed)
            if exchanged { break }
            maximum = current
        }
        slots[LockSlot.histogram + LockCore.histogramBucket(wait)].wrappingAdd(1, ordering: .relaxed)
    }

    /// Release when the word is not what the acquisition left (a timed hold, possible sleepers,
    /// or the recording flag changed during the hold): forget the held-lock entry if any, account
    /// the hold, record a release that made others wait (with the holder's stack, published for
    /// the waiter that takes over), then release the word.
    @usableFromInline @inline(never)
    func unlockSlow() {
        forgetHeld()
        let holdStart = slots[LockSlot.holdStart].load(ordering: .relaxed)
        slots[LockSlot.holdStart].store(0, ordering: .relaxed)
        let holderStack = accountRelease(holdStart: holdStart)
        slots[LockSlot.holderStack].store(holderStack, ordering: .relaxed)
        if word.pointee.exchange(0, ordering: .releasing) == 2 {
            lockprof_futex_wake(futexAddress, 1)
        }
    }

    /// While recording, accounts a release by a holder whose hold began at `holdStart` (0: not
    /// timed): a blocking hold with the holder's stack and a `release` event when threads sleep
    /// on the lock, else a sampled hold when it was timed. Returns the holder's stack hash for the
    /// next waiter to blame (0 when none). Called by the releasing holder, before releasing.
    func accountRelease(holdStart: UInt64, mode: HoldMode = .exclusive) -> UInt64 {
        /// Holders of the shared modes release concurrently: their counts need atomic adds.
        func count(_ value: UInt64, to slot: Int) {
            if mode == .exclusive { add(value, to: slot) } else { slots[slot].wrappingAdd(value, ordering: .relaxed) }
        }
        var holderStack: UInt64 = 0
        let sleeping = slots[LockSlot.sleepers].load(ordering: .relaxed) > 0
        if lockprof_is_recording() != 0 && (sleeping || holdStart != 0) {
            let now = lockprof_now_ns()
            if sleeping {
                let measuredFromAcquisition = holdStart != 0
                var begin = holdStart
                if !measuredFromAcquisition {
                    begin = slots[LockSlot.firstWaiterArrival].load(ordering: .relaxed)
                    if begin == 0 || begin > now { begin = now }
                }
                let hold = now &- begin
                count(1, to: LockSlot.blockingHolds)
                count(hold, to: LockSlot.blockingHoldNanoseconds)
                // Those still asleep wait on the next holder from now.
                slots[LockSlot.firstWaiterArrival].store(now, ordering: .relaxed)
                holderStack = Recorder.captureStack(at: now)
                Recorder.recordRelease(
                    lockID: identity.lockID, time: now, hold: hold, holderStack: holderStack,
                    measuredFromAcquisition: measuredFromAcquisition)
            } else if holdStart != 0 {
                // A timed hold that made nobody wait: a sample for the hold-time estimate.
                count(1, to: LockSlot.sampledHolds)
                count(now &- holdStart, to: LockSlot.sampledHoldNanoseconds)
            }
        }
        return holderStack
    }

    /// A plain increment by the holder (relaxed load + store; see the protocol above).
    @inline(__always)
    func add(_ value: UInt64, to slot: Int) {
        slots[slot].store(slots[slot].load(ordering: .relaxed) &+ value, ordering: .relaxed)
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
}

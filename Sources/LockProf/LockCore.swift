import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The lock word and its protocol
//
// A LockCore is a futex mutex in the style of Drepper's "Futexes Are Tricky" (mutex 3), plus
// the counters lockprof keeps about it, all in one 64-byte, 16-byte-aligned block of memory that
// never moves (the futex needs a stable address, so it is not a Swift stored property).
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
// next holder. Only the word is contended; every counter slot after it is either written only
// by the holder (under the lock), or updated with atomic read-modify-writes.
//
// The counters that follow the word, and how each is written: LockCore+CounterBlock.swift.
// Lock order and the owner check: LockCore+LockOrder.swift. What happens when the compare-exchange
// fails (spinning, sleeping, timing the wait, blaming the holder): LockCore+Contention.swift.

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
    // atomics following the protocol above (and, for the slots, LockCore+CounterBlock.swift).

    /// The futex word, at the start of the lock's 64-byte block (LockCore+CounterBlock.swift).
    @usableFromInline let word: UnsafeMutablePointer<Atomic<UInt32>>
    /// Identity and description, as registered.
    let identity: LockIdentity
    /// `identity.lockID`, for the inlined lock-order bookkeeping.
    @usableFromInline let lockID: UInt32
    /// Whether the trace may know this lock by its id (read for a session's baseline, a
    /// checkpoint, a snapshot or an event's `lock` record): then it never has its final counters
    /// folded with other dead locks of its site (LockRegistry.swift, "Dead locks"). Read and
    /// written only under its registry shard's mutex.
    var pinned = false

    /// - Parameter initialWord: the word's first value: 0 (free) for a mutex; the permit count
    ///   for a semaphore, which uses the word as its counter.
    init(kind: LockKind, name: String?, fileID: StaticString, line: UInt, initialWord: UInt32 = 0) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: 8 + 8 * LockSlot.count, alignment: 16)
        word = memory.bindMemory(to: Atomic<UInt32>.self, capacity: 2)
        word.initialize(to: Atomic(initialWord))
        (word + 1).initialize(to: Atomic(0))  // touched
        let slots = (memory + 8).bindMemory(to: Atomic<UInt64>.self, capacity: LockSlot.count)
        for index in 0..<LockSlot.count { (slots + index).initialize(to: Atomic(0)) }
        lockID = LockRegistry.shared.newLockID()
        // The name is formatted only when a report or a trace needs it (LockIdentity).
        identity = LockIdentity(lockID: lockID, kind: kind, givenName: name, fileID: fileID, line: line)
        LockRegistry.shared.register(self)
    }

    deinit {
        LockRegistry.shared.unregister(self)
        freeSideSlots()
        word.deinitialize(count: 2)
        slots.deinitialize(count: LockSlot.count)
        UnsafeMutableRawPointer(word).deallocate()
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
        markTouched(word)  // after the count (LockCore+CounterBlock.swift)
        if _slowPath(before & (TraceLimits.holdSampleInterval - 1) == 0) { core.startSampledHold() }
    }

    @inlinable @inline(__always)
    func countAcquisition() { LockCore.countAcquisition(word, self) }

    @usableFromInline
    var futexAddress: UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
    }
}

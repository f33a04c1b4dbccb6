import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The ring and its memory-ordering protocol
//
// One ThreadRing per thread that has recorded an event: a single-producer/single-consumer queue
// of 64-bit words. The producer is the owning thread (on the contended path of a lock); the
// consumer is the collector thread. Nobody else touches it.
//
//   storage   capacity words (a power of two); word i of the stream lives at storage[i & mask]
//   tail      next stream index to write.  Written only by the producer (store, releasing);
//             read by the consumer (load, acquiring).
//   head      next stream index to read.   Written only by the consumer (store, releasing);
//             read by the producer (load, acquiring) — only when its cached copy says the ring
//             looks full.
//   dropped   events refused because the ring was full. Written only by the producer (relaxed
//             load + store); read by the consumer (relaxed): a count, ordering does not matter.
//
// Producer, to write an event of n words:
//   1. if tail + n − cachedHead > capacity: cachedHead = head.load(acquiring); if still no room,
//      count a drop and return (never wait, never allocate).
//   2. write the n words with plain stores at tail … tail + n − 1.
//   3. tail.store(tail + n, releasing).
//   4. only when tail has passed wakeMark (a producer-only position): cachedHead =
//      head.load(acquiring); if tail − cachedHead ≥ fillMark (half the ring), ask the collector
//      for an early drain (``CollectorWakeup``: never blocks) and set wakeMark = tail +
//      fillMark / 4, so a collector that does not come is asked again before the ring is full;
//      else set wakeMark = cachedHead + fillMark, the first tail at which the ring could be half
//      full. So step 4 runs rarely: at most about once per head the consumer publishes, or per
//      fillMark / 4 words while the ring stays past half full; never per event.
// Consumer:
//   1. t = tail.load(acquiring); read words head … t − 1 with plain loads (in place, or copied
//      out when an event wraps around the end of storage).
//   2. head.store(p, releasing) for the position p after the last word read: after every
//      capacity / 8 words read, so a long drain frees space early, and at the end (p = t).
//
// Why it is enough: the releasing store of tail in producer step 3 synchronizes with the
// acquiring load in consumer step 1, so the words written in step 2 are visible before they are
// read. Symmetrically, the consumer's reads of the words before p happen before its releasing
// store of head = p, which the producer acquires (steps 1 and 4) before reusing those slots, so a
// slot is never overwritten while being read. Step 4 reads head the same way as step 1 and only
// moves cachedHead forward to a position the consumer published, so step 1 stays correct.
// Indices are UInt64 stream positions that never wrap in practice (2^64 words).
//
// Events are variable-length: the first word is a header (kind in bits 0–7, length in words in
// bits 8–15, flags in bits 16–18, lock id in bits 32–63). See ``RingEvent``.
//
// The consumer does not trust a header's length: one outside RingEvent.minimumWords …
// maximumWords, or running past `tail`, can only come from corrupt memory or a broken writer.
// Such an entry and everything after it up to `tail` are discarded (nothing after it can be
// framed), counted as one dropped event and reported on standard error: never a drain that
// spins on a length of 0, never a read past the scratch buffer or the words written.

/// A thread's lock-free event ring. One of the few types with unsafe code; see the protocol above.
final class ThreadRing: @unchecked Sendable {
    // @unchecked Sendable: `storage` and the producer-side fields are touched only by the owning
    // thread and the collector, following the protocol above.

    /// Words per ring: 512 KiB, 21 845 events without stacks (3 words each); drained every
    /// 2 ms, or earlier when the ring passes ``fillMark``.
    static let capacity = 1 << 16
    private static let mask = UInt64(capacity - 1)
    /// Fill (in words) at which the producer asks the collector for an early drain.
    static let fillMark = UInt64(capacity / 2)
    /// The consumer publishes `head` after reading this many words, even mid-drain.
    private static let publishEvery = UInt64(capacity / 8)

    /// The ring's words: zero-filled pages, so a thread that records a few events pays a page or
    /// two of them, not 512 KiB, and a freed ring's pages go back to the kernel.
    private let storageTable = ZeroFilledWords(count: ThreadRing.capacity)
    private var storage: UnsafeMutablePointer<UInt64> { storageTable.base }
    private let tail = Atomic<UInt64>(0)
    private let head = Atomic<UInt64>(0)
    private let droppedEvents = Atomic<UInt64>(0)
    /// Set when the owning thread has exited: after a last drain the collector frees the ring.
    let exited = Atomic<Bool>(false)

    // Producer-only state.
    private var cachedHead: UInt64 = 0
    private var producerTail: UInt64 = 0
    /// The tail past which step 4 of the protocol looks at the fill again.
    private var wakeMark: UInt64 = ThreadRing.fillMark
    /// Stack hashes this thread has already written into the ring (open addressing, no growth;
    /// zero-filled pages, paid as they are written).
    private let seenStackTable = ZeroFilledWords(count: ThreadRing.seenCapacity)
    private var seenStacks: UnsafeMutablePointer<UInt64> { seenStackTable.base }
    private static let seenCapacity = 1024
    /// The recording session `seenStacks` belongs to: each session writes a new trace that has
    /// none of the stacks written before, so the table is forgotten on the session's first capture.
    private var seenStacksSession: UInt32 = 0
    /// The lock-order pairs this thread has written in that same session (forgotten with the stacks).
    let lockOrders = RecordedLockOrders()
    /// The profiled lock this thread sleeps on now, for the deadlock watchdog.
    let wait = PublishedWait()
    /// Stack-capture budget: at most `captureBudget` captures per `captureWindow` nanoseconds.
    private var windowStart: UInt64 = 0
    private var capturesInWindow = 0
    static let captureBudget = 100
    static let captureWindow: UInt64 = 10_000_000

    /// Process-unique serial number: the trace-local thread id.
    let serial: UInt32
    /// Kernel thread id and name of the owning thread, taken when the ring was created.
    let systemThreadID: UInt64
    let name: String

    init(serial: UInt32, systemThreadID: UInt64, name: String) {
        self.serial = serial
        self.systemThreadID = systemThreadID
        self.name = name
    }

    deinit {
        storageTable.deallocate()
        seenStackTable.deallocate()
        lockOrders.deallocate()
    }

    // MARK: Producer side (the owning thread only)

    /// Writes one event of `words.count` words, or counts a drop when the ring is full.
    /// Returns whether it was written.
    @discardableResult
    func write(_ words: UnsafeBufferPointer<UInt64>) -> Bool {
        let count = UInt64(words.count)
        if producerTail &+ count &- cachedHead > UInt64(ThreadRing.capacity) {
            cachedHead = head.load(ordering: .acquiring)
            if producerTail &+ count &- cachedHead > UInt64(ThreadRing.capacity) {
                droppedEvents.store(droppedEvents.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
                return false
            }
        }
        for (offset, word) in words.enumerated() {
            storage[Int((producerTail &+ UInt64(offset)) & ThreadRing.mask)] = word
        }
        producerTail &+= count
        tail.store(producerTail, ordering: .releasing)
        if _slowPath(producerTail >= wakeMark) { passedWakeMark() }
        return true
    }

    /// Step 4 of the protocol: asks for an early drain when the ring is at least half full.
    @inline(never)
    private func passedWakeMark() {
        cachedHead = head.load(ordering: .acquiring)
        if producerTail &- cachedHead >= ThreadRing.fillMark {
            CollectorWakeup.wake()
            wakeMark = producerTail &+ ThreadRing.fillMark / 4
        } else {
            wakeMark = cachedHead &+ ThreadRing.fillMark
        }
    }

    /// Whether the capture budget allows one more stack now (and spends it).
    func spendCaptureBudget(at now: UInt64) -> Bool {
        if now &- windowStart > ThreadRing.captureWindow {
            windowStart = now
            capturesInWindow = 0
        }
        guard capturesInWindow < ThreadRing.captureBudget else { return false }
        capturesInWindow += 1
        return true
    }

    /// Forgets which stacks and lock-order pairs were written when they were written for another
    /// session's trace.
    func forgetWrittenStacks(unlessSession session: UInt32) {
        guard seenStacksSession != session else { return }
        // Once per session for a thread that captures in it (a system call each, on the
        // contended path): the written pages go back to the kernel instead of being zeroed.
        seenStackTable.zeroAll()
        lockOrders.forgetAll()
        seenStacksSession = session
    }

    /// Whether this thread already wrote the stack with this hash.
    func hasWritten(stack hash: UInt64) -> Bool {
        var index = Int(hash % UInt64(ThreadRing.seenCapacity))
        for _ in 0..<8 {
            if seenStacks[index] == hash { return true }
            if seenStacks[index] == 0 { return false }
            index = (index + 1) % ThreadRing.seenCapacity
        }
        return false
    }

    /// Remembers that the stack with this hash was written (forgets nothing; when the probe
    /// window is full the stack is simply written again and the collector deduplicates).
    func markWritten(stack hash: UInt64) {
        var index = Int(hash % UInt64(ThreadRing.seenCapacity))
        for _ in 0..<8 {
            if seenStacks[index] == 0 || seenStacks[index] == hash {
                seenStacks[index] = hash
                return
            }
            index = (index + 1) % ThreadRing.seenCapacity
        }
    }

    // MARK: Consumer side (the collector only)

    /// Events dropped so far because the ring was full, plus entries discarded as corrupt.
    var dropped: UInt64 { droppedEvents.load(ordering: .relaxed) &+ corruptEntries }

    /// Entries the drain discarded because their header's length was impossible. Consumer only.
    private(set) var corruptEntries: UInt64 = 0

    /// Which collector wrote this thread's `thread` record into its trace (0: none yet).
    /// Collector only: lets it check per event with one compare instead of a set lookup.
    var threadRecordWriter: UInt32 = 0

    /// Hands every complete event written so far to `visit`, oldest first, and frees their space.
    /// The event's words are valid only during the call.
    @inline(__always)
    func drain(_ visit: (RingEvent) -> Void) {
        var position = head.load(ordering: .relaxed)
        var published = position
        let end = tail.load(ordering: .acquiring)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: RingEvent.maximumWords) { scratch in
            while position < end {
                let index = Int(position & ThreadRing.mask)
                let length = RingEvent.length(ofHeader: storage[index])
                guard _fastPath(length >= RingEvent.minimumWords && length <= RingEvent.maximumWords
                        && UInt64(length) <= end &- position)
                else {
                    discardCorruptEntry(length: length, at: position, end: end)
                    position = end
                    break
                }
                if _fastPath(index + length <= ThreadRing.capacity) {
                    visit(RingEvent(words: UnsafeBufferPointer(start: storage + index, count: length)))
                } else {
                    // The event wraps around the end of storage: copy it out in one piece.
                    for offset in 0..<length {
                        scratch[offset] = storage[Int((position &+ UInt64(offset)) & ThreadRing.mask)]
                    }
                    visit(RingEvent(words: UnsafeBufferPointer(rebasing: scratch[0..<length])))
                }
                position &+= UInt64(length)
                if _slowPath(position &- published >= ThreadRing.publishEvery) {
                    head.store(position, ordering: .releasing)
                    published = position
                }
            }
        }
        head.store(position, ordering: .releasing)
    }

    @inline(never)
    private func discardCorruptEntry(length: Int, at position: UInt64, end: UInt64) {
        corruptEntries &+= 1
        try? FileDescriptor.standardError.writeAll(
            "lockprof: thread \(serial)'s event ring is corrupt (an entry of \(length) words at word \(position)): "
                + "discarded \(end &- position) words\n")
    }
}

import CLockProfSupport
import LockProfFormat
import Synchronization

// MARK: - The ring and its memory-ordering protocol
//
// One ThreadRing per thread that has recorded an event: a single-producer/single-consumer queue
// of 64-bit words. The producer is the owning thread (on the contended path of a lock); the
// consumer is the collector thread. Nobody else touches it.
//
//   stream    the words ever written, numbered 0, 1, 2, … (UInt64 positions, never wrapping in
//             practice). They live in a RingStorage block of capacity words (a power of two),
//             position i at words[i & mask]; the block can change (the hand-over, below).
//   tail      next stream position to write.  Written only by the producer (store, releasing);
//             read by the consumer (load, acquiring).
//   head      next stream position to read.   Written only by the consumer (store, releasing);
//             read by the producer (load, acquiring) — only when its cached copy says the ring
//             looks full, past its wake mark, or when it takes a smaller block.
//   dropped   events refused because the ring was full. Written only by the producer (relaxed
//             load + store); read by the consumer (relaxed): a count, ordering does not matter.
//
// Producer, to write an event of n words into its block (capacity C):
//   0. if offer.load(relaxed) ≠ 0: take the offered block (the hand-over, below).
//   1. if tail + n − cachedHead > C: cachedHead = head.load(acquiring); if still no room,
//      count a drop and return (never wait, never allocate).
//   2. write the n words with plain stores at tail … tail + n − 1.
//   3. tail.store(tail + n, releasing).
//   4. only when tail has passed wakeMark (a producer-only position): cachedHead =
//      head.load(acquiring); if tail − cachedHead ≥ fillMark (C / 2), ask the collector
//      for an early drain (``CollectorWakeup``: never blocks) and set wakeMark = tail +
//      fillMark / 4, so a collector that does not come is asked again before the ring is full;
//      else set wakeMark = cachedHead + fillMark, the first tail at which the ring could be half
//      full. So step 4 runs rarely: at most about once per head the consumer publishes, or per
//      fillMark / 4 words while the ring stays past half full; never per event.
// Consumer:
//   1. t = tail.load(acquiring); then the hand-over check below; read words head … t − 1 with
//      plain loads (in place, or copied out when an event wraps around the end of its block).
//   2. head.store(p, releasing) for the position p after the last word read: after every
//      C / 8 words read, so a long drain frees space early, and at the end (p = t).
//
// Why it is enough: the releasing store of tail in producer step 3 synchronizes with the
// acquiring load in consumer step 1, so the words written in step 2 are visible before they are
// read. Symmetrically, the consumer's reads of the words before p happen before its releasing
// store of head = p, which the producer acquires (steps 1 and 4) before reusing those slots, so a
// slot is never overwritten while being read. Step 4 reads head the same way as step 1 and only
// moves cachedHead forward to a position the consumer published, so step 1 stays correct.
//
// MARK: The hand-over: a bigger block for a busy ring, a small one for an idle ring
//
// A ring starts with RingStorage.minimumCapacity words (4 KiB): most threads record a handful of
// events. The block changes only between two events, at a point the producer chooses (step 0),
// through three more words:
//
//   offer           a block for the producer (its address; 0: none). The consumer stores a block
//                   (releasing) only when it reads 0 and has no hand-over under way; the producer
//                   stores 0 (releasing) when it takes it. Each side changes the word only out of
//                   the state the other side cannot leave, so plain loads and stores suffice.
//   offerCapacity   the offered block's capacity: consumer, relaxed, before its store of offer.
//   switchBlock     the block the producer writes into from `boundary` on (0: no hand-over under
//   boundary,       way). The producer stores boundary and switchCapacity (relaxed), then
//   switchCapacity  switchBlock (releasing); the consumer stores 0 (releasing) once it has read
//                   every word before boundary, and frees the old block then.
//
// Consumer, after a drain that read w words (the collector only, at the end of drain()):
//   if no hand-over is under way (no offer outstanding, none adopted and not yet finished) and
//   w ≥ C / 2 (the ring filled at least halfway between two drains: the producer woke it) or the
//   drop count rose: allocate a block of min(8 C, maximum) words, offerCapacity.store, then
//   offer.store(block, releasing). If instead the ring stayed below C / 64 for idleDrains drains
//   in a row and C > minimum: offer a block of the minimum capacity the same way.
// Producer, step 0, when offer ≠ 0:  o = offer.load(acquiring), c = offerCapacity.load(relaxed);
//   if c < C (a smaller block): cachedHead = head.load(acquiring) and take it only if
//   cachedHead = tail (everything written was read, so the old block holds nothing), else keep
//   writing into the old block and look again at the next event. To take it:
//   boundary.store(tail), switchCapacity.store(c) (relaxed), switchBlock.store(o, releasing),
//   offer.store(0, releasing); write from now on into o, and set wakeMark = tail (step 4 looks at
//   the new block's fill at the next event).
// Consumer, step 1 in full:  t = tail.load(acquiring); if it has an offer outstanding and
//   switchBlock.load(acquiring) = o ≠ 0, it learns (o, boundary, switchCapacity). Then it reads
//   head … min(t, boundary) − 1 from the old block; once it has read up to boundary it frees the
//   old block, makes o its block, and switchBlock.store(0, releasing); then it reads on up to t
//   from o. Without a hand-over under way it reads head … t − 1 from its block, as before.
//
// Why it is enough:
//   - Words are in the block the consumer reads them from. The producer takes a block between
//     two events, at position boundary = its tail then, and every word at or after boundary goes
//     into the new block. The consumer reads a word at or after boundary only when it knows the
//     hand-over: if its acquiring load of tail returned t > boundary, that tail was stored after
//     switchBlock (program order in the producer), so the load of switchBlock that follows the
//     acquire sees it (coherence: the consumer itself never writes a nonzero value there). If it
//     does not see the hand-over, every word before t was written before it, into the old block.
//   - A slot of the new block is never overwritten while unread. Step 1 keeps checking
//     tail + n − cachedHead ≤ C' against the new capacity C'. The unread words of the new block
//     are the positions max(head, boundary) … tail − 1, at most tail − head, so the check, which
//     counts the old block's unread words too, is conservative. A smaller block is taken only
//     when the old one is empty (cachedHead = tail), so an idle ring shrinks without a drop; a
//     busy ring only ever gets a bigger block.
//   - The old block is freed only when unused: the producer stopped writing into it before
//     publishing switchBlock (releasing), which the consumer acquired; the consumer frees it
//     after reading its last word. An offered block the producer never took (the thread
//     exited) is freed with the ring. One hand-over at a time: the consumer offers again only
//     after it stored switchBlock = 0, so the producer never sees a second offer while the
//     consumer still reads the old block.
//   - What the producer pays: step 0 is one relaxed load and a branch per event (the contended
//     path only); taking a block is four stores, once per hand-over; it never allocates, frees or
//     waits. Allocation and freeing are the collector's.
//
// Events are variable-length: the first word is a header (kind in bits 0–7, length in words in
// bits 8–15, flags in bits 16–18, lock id in bits 32–63). See ``RingEvent``. An event never
// straddles a hand-over (the producer takes a block between events).
//
// The consumer does not trust a header's length: one outside RingEvent.minimumWords …
// maximumWords, or running past what the block holds, can only come from corrupt memory or a
// broken writer. Such an entry and everything after it in that block are discarded (nothing
// after it can be framed), counted as one dropped event and reported on standard error: never a
// drain that spins on a length of 0, never a read past the scratch buffer or the words written.

/// A thread's lock-free event ring. One of the few types with unsafe code; see the protocol above.
final class ThreadRing: @unchecked Sendable {
    // @unchecked Sendable: the blocks and the producer-side fields are touched only by the owning
    // thread and the collector, following the protocol above.

    /// Drains in a row below 1/64 full after which the collector gives a ring bigger than the
    /// minimum a small block again: 500 drains, 1 s at the 2 ms drain interval.
    static let idleDrains = 500

    private let tail = Atomic<UInt64>(0)
    private let head = Atomic<UInt64>(0)
    private let droppedEvents = Atomic<UInt64>(0)
    /// Set when the owning thread has exited: after a last drain the collector frees the ring.
    let exited = Atomic<Bool>(false)

    // The hand-over words (see "The hand-over" above).
    private let offer = Atomic<UInt>(0)
    private let offerCapacity = Atomic<Int>(0)
    private let switchBlock = Atomic<UInt>(0)
    private let switchCapacity = Atomic<Int>(0)
    private let boundary = Atomic<UInt64>(0)

    // Producer-only state.
    private var block: RingStorage
    private var cachedHead: UInt64 = 0
    private var producerTail: UInt64 = 0
    /// The tail past which step 4 of the protocol looks at the fill again.
    private var wakeMark: UInt64
    /// Stack hashes this thread has already written into the ring (open addressing, no growth).
    private let seenStacks: UnsafeMutablePointer<UInt64>
    private static let seenCapacity = 1024
    /// The recording session `seenStacks` belongs to: each session writes a new trace that has
    /// none of the stacks written before, so the table is forgotten on the session's first capture.
    private var seenStacksSession: UInt32 = 0
    /// The lock-order pairs this thread has written in that same session (forgotten with the stacks).
    var lockOrders = RecordedLockOrders()
    /// Stack-capture budget: at most `captureBudget` captures per `captureWindow` nanoseconds.
    private var windowStart: UInt64 = 0
    private var capturesInWindow = 0
    static let captureBudget = 100
    static let captureWindow: UInt64 = 10_000_000

    // Consumer-only state.
    /// The block the consumer reads (the producer's too, unless a hand-over is under way).
    private var consumerBlock: RingStorage
    /// Whether the consumer offered a block the producer has not been seen to take.
    private var offerOutstanding = false
    /// A hand-over the producer made whose old block still holds unread words.
    private var adopted: (block: RingStorage, boundary: UInt64)?
    /// The drop count at the end of the last drain, and drains in a row the ring stayed idle.
    private var dropsAtLastDrain: UInt64 = 0
    private var quietDrains = 0

    /// Process-unique serial number: the trace-local thread id.
    let serial: UInt32
    /// Kernel thread id and name of the owning thread, taken when the ring was created.
    let systemThreadID: UInt64
    let name: String

    init(serial: UInt32, systemThreadID: UInt64, name: String, capacity: Int = RingStorage.minimumCapacity) {
        self.serial = serial
        self.systemThreadID = systemThreadID
        self.name = name
        block = RingStorage.allocate(capacity: capacity)
        consumerBlock = block
        wakeMark = UInt64(capacity / 2)
        seenStacks = .allocate(capacity: ThreadRing.seenCapacity)
        seenStacks.initialize(repeating: 0, count: ThreadRing.seenCapacity)
        RingStorage.allocatedBytes.add(ThreadRing.tableBytes, ordering: .relaxed)
    }

    /// Freed with the last reference, which the collector drops after the thread exited and its
    /// last events were drained (or a test, whose ring no producer writes any more).
    deinit {
        consumerBlock.deallocate()
        adopted?.block.deallocate()
        let offered = offer.load(ordering: .acquiring)
        if offered != 0 { RingStorage(bits: offered, capacity: offerCapacity.load(ordering: .relaxed)).deallocate() }
        seenStacks.deallocate()
        lockOrders.deallocate()
        RingStorage.allocatedBytes.subtract(ThreadRing.tableBytes, ordering: .relaxed)
    }

    /// Bytes a ring holds besides its blocks: the stack-hash table (the lock-order table counts
    /// itself when a thread first nests profiled locks).
    private static let tableBytes = seenCapacity * MemoryLayout<UInt64>.stride

    // MARK: Producer side (the owning thread only)

    /// The capacity of the block the producer writes into now.
    var producerCapacity: Int { block.capacity }

    /// Writes one event of `words.count` words, or counts a drop when the ring is full.
    /// Returns whether it was written.
    @discardableResult
    func write(_ words: UnsafeBufferPointer<UInt64>) -> Bool {
        if _slowPath(offer.load(ordering: .relaxed) != 0) { takeOfferedBlock() }
        let count = UInt64(words.count)
        let capacity = UInt64(block.capacity)
        if producerTail &+ count &- cachedHead > capacity {
            cachedHead = head.load(ordering: .acquiring)
            if producerTail &+ count &- cachedHead > capacity {
                droppedEvents.store(droppedEvents.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
                return false
            }
        }
        let storage = block.words
        let mask = block.mask
        for (offset, word) in words.enumerated() {
            storage[Int((producerTail &+ UInt64(offset)) & mask)] = word
        }
        producerTail &+= count
        tail.store(producerTail, ordering: .releasing)
        if _slowPath(producerTail >= wakeMark) { passedWakeMark() }
        return true
    }

    /// Step 0 of the protocol: takes the block the collector offers (between two events).
    @inline(never)
    private func takeOfferedBlock() {
        let offered = RingStorage(
            bits: offer.load(ordering: .acquiring), capacity: offerCapacity.load(ordering: .relaxed))
        if offered.capacity < block.capacity {
            // A smaller block: only once the old one holds nothing unread.
            cachedHead = head.load(ordering: .acquiring)
            guard cachedHead == producerTail else { return }
        }
        boundary.store(producerTail, ordering: .relaxed)
        switchCapacity.store(offered.capacity, ordering: .relaxed)
        switchBlock.store(offered.bits, ordering: .releasing)
        offer.store(0, ordering: .releasing)
        block = offered
        wakeMark = producerTail
    }

    /// Step 4 of the protocol: asks for an early drain when the ring is at least half full.
    @inline(never)
    private func passedWakeMark() {
        let fillMark = UInt64(block.capacity / 2)
        cachedHead = head.load(ordering: .acquiring)
        if producerTail &- cachedHead >= fillMark {
            CollectorWakeup.wake()
            wakeMark = producerTail &+ fillMark / 4
        } else {
            wakeMark = cachedHead &+ fillMark
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
        seenStacks.update(repeating: 0, count: ThreadRing.seenCapacity)
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

    /// The capacity of the block the producer writes into, as far as the consumer knows (the
    /// block it offered last once the producer took it). Consumer only.
    var consumerCapacity: Int { adopted?.block.capacity ?? consumerBlock.capacity }

    /// Hands every complete event written so far to `visit`, oldest first, and frees their space;
    /// then gives the ring a bigger or smaller block if it needs one (the hand-over, above).
    /// The event's words are valid only during the call.
    @inline(__always)
    func drain(_ visit: (RingEvent) -> Void) {
        let start = head.load(ordering: .relaxed)
        let end = tail.load(ordering: .acquiring)
        if offerOutstanding, adopted == nil {
            let taken = switchBlock.load(ordering: .acquiring)
            if taken != 0 {
                adopted = (
                    RingStorage(bits: taken, capacity: switchCapacity.load(ordering: .relaxed)),
                    boundary.load(ordering: .relaxed)
                )
                offerOutstanding = false
            }
        }
        var position = start
        if let handOver = adopted {
            position = drain(consumerBlock, from: position, to: min(end, handOver.boundary), visit)
            if position == handOver.boundary {
                consumerBlock.deallocate()
                consumerBlock = handOver.block
                adopted = nil
                switchBlock.store(0, ordering: .releasing)
            }
        }
        if adopted == nil { position = drain(consumerBlock, from: position, to: end, visit) }
        head.store(position, ordering: .releasing)
        adaptCapacity(wordsRead: position &- start)
    }

    /// Reads the events at `position` … `end` − 1 of the stream from `storage`; returns the
    /// position after the last word read, `end` (an entry found corrupt discards the rest).
    @inline(__always)
    private func drain(
        _ storage: RingStorage, from start: UInt64, to end: UInt64, _ visit: (RingEvent) -> Void
    ) -> UInt64 {
        var position = start
        var published = position
        let publishEvery = UInt64(storage.capacity / 8)
        let words = storage.words
        let mask = storage.mask
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: RingEvent.maximumWords) { scratch in
            while position < end {
                let index = Int(position & mask)
                let length = RingEvent.length(ofHeader: words[index])
                guard _fastPath(length >= RingEvent.minimumWords && length <= RingEvent.maximumWords
                        && UInt64(length) <= end &- position)
                else {
                    discardCorruptEntry(length: length, at: position, end: end)
                    position = end
                    break
                }
                if _fastPath(index + length <= storage.capacity) {
                    visit(RingEvent(words: UnsafeBufferPointer(start: words + index, count: length)))
                } else {
                    // The event wraps around the end of the block: copy it out in one piece.
                    for offset in 0..<length {
                        scratch[offset] = words[Int((position &+ UInt64(offset)) & mask)]
                    }
                    visit(RingEvent(words: UnsafeBufferPointer(rebasing: scratch[0..<length])))
                }
                position &+= UInt64(length)
                if _slowPath(position &- published >= publishEvery) {
                    head.store(position, ordering: .releasing)
                    published = position
                }
            }
        }
        return position
    }

    /// The consumer's side of the hand-over: offers a bigger block to a ring that filled at
    /// least halfway between two drains or dropped events, a minimum-size one to a ring that
    /// stayed nearly empty for ``idleDrains`` drains. One hand-over at a time.
    private func adaptCapacity(wordsRead: UInt64) {
        let drops = droppedEvents.load(ordering: .relaxed)
        defer { dropsAtLastDrain = drops }
        guard !offerOutstanding, adopted == nil else { return }
        let capacity = consumerBlock.capacity
        if wordsRead >= UInt64(capacity / 2) || drops != dropsAtLastDrain {
            quietDrains = 0
            guard capacity < RingStorage.maximumCapacity else { return }
            offerBlock(capacity: RingStorage.grown(from: capacity))
        } else if capacity > RingStorage.minimumCapacity && wordsRead < UInt64(capacity / 64) {
            quietDrains += 1
            guard quietDrains >= ThreadRing.idleDrains else { return }
            quietDrains = 0
            offerBlock(capacity: RingStorage.minimumCapacity)
        } else {
            quietDrains = 0
        }
    }

    private func offerBlock(capacity: Int) {
        let offered = RingStorage.allocate(capacity: capacity)
        offerCapacity.store(capacity, ordering: .relaxed)
        offer.store(offered.bits, ordering: .releasing)
        offerOutstanding = true
    }

    @inline(never)
    private func discardCorruptEntry(length: Int, at position: UInt64, end: UInt64) {
        corruptEntries &+= 1
        try? FileDescriptor.standardError.writeAll(
            "lockprof: thread \(serial)'s event ring is corrupt (an entry of \(length) words at word \(position)): "
                + "discarded \(end &- position) words\n")
    }
}

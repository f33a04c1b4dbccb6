import Synchronization
import Testing

@testable import LockProf

@Suite struct ThreadRingTests {
    /// A producer writes numbered events as fast as it can while a consumer drains concurrently:
    /// every event arrives intact and in order, or is counted as dropped; nothing else.
    @Test func concurrentDrainSeesEveryEventIntactOrCountedAsDropped() {
        let ring = ThreadRing(serial: 999, systemThreadID: 0, name: "stress")
        let total = 500_000  // 2 000 000 words: the ring wraps about 30 times
        let producerDone = Atomic<Bool>(false)
        let received = Locked<(count: Int, corrupt: Int, outOfOrder: Int)>((0, 0, 0))

        onThreads(2) { role in
            if role == 0 {
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 5) { words in
                    for sequence in 0..<total {
                        // 3, 4 or 5 words: events of every length wrap around the end of storage.
                        let value = UInt64(sequence)
                        let length = 3 + sequence % 3
                        words[0] = RingEvent.header(kind: .release, length: length, flag: false, lockID: UInt32(sequence % 1000))
                        words[1] = value
                        words[2] = value &* 0x9E37_79B9_7F4A_7C15
                        for index in 3..<5 { words[index] = ~value }
                        ring.write(UnsafeBufferPointer(rebasing: words[0..<length]))
                    }
                }
                producerDone.store(true, ordering: .releasing)
            } else {
                var last: Int64 = -1
                var count = 0, corrupt = 0, outOfOrder = 0
                func visit(_ event: RingEvent) {
                    let value = event[1]
                    if event.kind != .release || event.lockID != UInt32(value % 1000)
                        || event.words.count != 3 + Int(value % 3) || event[2] != value &* 0x9E37_79B9_7F4A_7C15
                        || event.words.dropFirst(3).contains(where: { $0 != ~value })
                    {
                        corrupt += 1
                    }
                    if Int64(value) <= last { outOfOrder += 1 }
                    last = Int64(value)
                    count += 1
                }
                while !producerDone.load(ordering: .acquiring) { ring.drain(visit) }
                ring.drain(visit)
                received.withLock { $0 = (count, corrupt, outOfOrder) }
            }
        }
        let result = received.withLock { $0 }
        #expect(result.corrupt == 0)
        #expect(result.outOfOrder == 0)
        #expect(UInt64(result.count) + ring.dropped == UInt64(total))
        #expect(result.count > 0)
    }

    @Test func aFullRingDropsNewEventsAndCountsThem() {
        let ring = ThreadRing(serial: 998, systemThreadID: 0, name: "full")
        var written = 0
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { words in
            words.initialize(repeating: 0)
            words[0] = RingEvent.header(kind: .release, length: 4, flag: false, lockID: 1)
            for _ in 0..<(ThreadRing.capacity / 4 + 10) where ring.write(UnsafeBufferPointer(words)) { written += 1 }
        }
        #expect(written == ThreadRing.capacity / 4)
        #expect(ring.dropped == 10)
        var drained = 0
        ring.drain { _ in drained += 1 }
        #expect(drained == written)
    }
}

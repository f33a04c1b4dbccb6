import Synchronization
import Testing

@testable import LockProf

@Suite struct ThreadRingTests {
    /// A producer writes numbered events as fast as it can while a consumer drains concurrently:
    /// every event arrives intact and in order, or is counted as dropped; nothing else.
    @Test func concurrentDrainSeesEveryEventIntactOrCountedAsDropped() {
        let ring = ThreadRing(serial: 999, systemThreadID: 0, name: "stress")
        let total = 500_000  // 2 000 000 words: the ring wraps about 60 times
        let producerDone = Atomic<Bool>(false)
        let received = Mutex<(count: Int, corrupt: Int, outOfOrder: Int)>((0, 0, 0))

        onThreads(2) { role in
            if role == 0 {
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { words in
                    for sequence in 0..<total {
                        let value = UInt64(sequence)
                        words[0] = RingEvent.header(kind: .release, length: 4, flag: false, lockID: UInt32(sequence % 1000))
                        words[1] = value
                        words[2] = value &* 0x9E37_79B9_7F4A_7C15
                        words[3] = ~value
                        ring.write(UnsafeBufferPointer(words))
                    }
                }
                producerDone.store(true, ordering: .releasing)
            } else {
                var last: Int64 = -1
                var count = 0, corrupt = 0, outOfOrder = 0
                func visit(_ event: RingEvent) {
                    let value = event[1]
                    if event.kind != .release || event.lockID != UInt32(value % 1000)
                        || event[2] != value &* 0x9E37_79B9_7F4A_7C15 || event[3] != ~value
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

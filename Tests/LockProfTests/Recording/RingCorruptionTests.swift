import Foundation
import Synchronization
import Testing

@testable import LockProf

/// A ring entry whose header lies about its length (memory corruption, or a bug in a writer):
/// the drain must neither spin on it nor read past the scratch buffer or the written words.
@Suite struct RingCorruptionTests {
    /// Writes `header` as a 3-word entry after one good event, then drains on another thread.
    static func drainAfterBadEntry(header: UInt64) -> (good: Int, finished: Bool, discarded: UInt64) {
        let ring = ThreadRing(serial: 998, systemThreadID: 0, name: "corrupt")
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3) { words in
            words[0] = RingEvent.header(kind: .release, length: 3, flag: false, lockID: 7)
            words[1] = 1
            words[2] = 2
            ring.write(UnsafeBufferPointer(words))
            words[0] = header
            ring.write(UnsafeBufferPointer(words))
        }
        let good = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        Thread {
            ring.drain { event in if event.kind == .release && event.lockID == 7 { good.add(1, ordering: .relaxed) } }
            finished.store(true, ordering: .releasing)
        }.start()
        for _ in 0..<2_000 where !finished.load(ordering: .acquiring) { usleep(1_000) }
        return (good.load(ordering: .relaxed), finished.load(ordering: .acquiring), ring.dropped)
    }

    @Test(arguments: [0, 4, 200, 255])
    func anEntryWithABadLengthIsDiscardedAndCountedNeverSpunOnOrOverrun(length: Int) {
        let header = UInt64(RingEvent.Kind.stack.rawValue) | UInt64(length) << 8
        let (good, finished, discarded) = Self.drainAfterBadEntry(header: header)
        #expect(finished, "the drain did not return within 2 s")
        #expect(good == 1)
        #expect(discarded == 1)
    }
}

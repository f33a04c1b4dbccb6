import LockProfFormat
import Testing

@testable import LockProf

/// The counter block's layout (LockCore+CounterBlock.swift, LockSideBlock.swift), derived from
/// the schema.
@Suite struct CounterBlockTests {
    @Test func theBlockIsOneCacheLineAndEveryOtherCounterHasASideSlotOfItsOwn() {
        #expect(8 + 8 * LockSlot.count == 64)
        #expect(LockSlot.of(.acquisitions) == 0)
        let hot = LockCounter.allCases.compactMap(LockSlot.of)
        let runtimeSlots = [LockSlot.holdStart, LockSlot.owner, LockSlot.sleepers, LockSlot.side]
        #expect(Set(hot + runtimeSlots).count == hot.count + runtimeSlots.count)
        #expect((hot + runtimeSlots).allSatisfy { $0 >= 0 && $0 < LockSlot.count })
        let side = LockCounter.allCases.filter { LockSlot.of($0) == nil }.map(SideSlot.of)
        let sideRuntime = [SideSlot.firstWaiterArrival, SideSlot.holderStack]
        #expect(Set(side + sideRuntime).count == side.count + sideRuntime.count)
        #expect((side + sideRuntime).allSatisfy { $0 >= 0 && $0 < SideSlot.histogram })
        #expect(SideSlot.count == SideSlot.histogram + TraceLimits.histogramBuckets)
    }

    @Test func anIdleLockHasNoSideBlockAndOneUncontendedAcquisitionAllocatesNone() {
        let lock = ProfiledLock(name: "counter-block.idle")
        #expect(lock.core.existingSideSlots == nil)
        lock.withLock {}
        #expect(lock.core.existingSideSlots == nil)
        #expect(LockCounters(lock.core.slots, side: nil).acquisitions == 1)
        lock.lock()
        #expect(!lock.tryLock())  // a failed tryLock is counted in the side block
        lock.unlock()
        #expect(lock.core.existingSideSlots != nil)
        #expect(snapshot(of: "counter-block.idle")?.failedTryLocks == 1)
    }

    @Test func aReadingTakesEachCounterFromItsSlotAndTheReadersIntoAcquisitions() {
        let lock = ProfiledLock(name: "counter-block.reading")
        let slots = lock.core.slots
        let counters = withExtendedLifetime(lock) {
            let side = lock.core.sideSlots
            for counter in LockCounter.allCases {
                lock.core.counterSlot(counter).pointee.store(UInt64(1000 + counter.rawValue), ordering: .relaxed)
            }
            for bucket in 0..<TraceLimits.histogramBuckets {
                side[SideSlot.histogram + bucket].store(UInt64(2000 + bucket), ordering: .relaxed)
            }
            defer {
                for slot in 0..<SideSlot.count { side[slot].store(0, ordering: .relaxed) }
                for counter in LockCounter.allCases { lock.core.counterSlot(counter).pointee.store(0, ordering: .relaxed) }
            }
            return LockCounters(slots, side: side)
        }
        for counter in LockCounter.allCases where counter != .acquisitions {
            #expect(counters[counter] == UInt64(1000 + counter.rawValue), "\(counter)")
        }
        #expect(counters.acquisitions == 1000 + UInt64(1000 + LockCounter.sharedAcquisitions.rawValue))
        #expect(counters.waitHistogram == (0..<TraceLimits.histogramBuckets).map { UInt64(2000 + $0) })
    }
}

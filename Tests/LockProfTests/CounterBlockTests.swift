import LockProfFormat
import Testing

@testable import LockProf

/// The counter block's layout (LockCore+CounterBlock.swift), derived from the schema.
@Suite struct CounterBlockTests {
    @Test func everyCounterHasASlotOfItsOwnAfterAcquisitionsAndTheRuntimesSlots() {
        let counterSlots = LockCounter.allCases.map(LockSlot.of)
        #expect(LockSlot.of(.acquisitions) == 0)
        #expect(Set(counterSlots).count == LockCounter.allCases.count)
        let runtimeSlots = [LockSlot.holdStart, LockSlot.owner, LockSlot.sleepers, LockSlot.firstWaiterArrival, LockSlot.holderStack]
        #expect(Set(runtimeSlots).count == runtimeSlots.count)
        #expect(Set(runtimeSlots).isDisjoint(with: counterSlots))
        #expect((counterSlots + runtimeSlots).allSatisfy { $0 >= 0 && $0 < LockSlot.histogram })
        #expect(LockSlot.count == LockSlot.histogram + TraceLimits.histogramBuckets)
    }

    @Test func aReadingTakesEachCounterFromItsSlotAndTheReadersIntoAcquisitions() {
        let lock = ProfiledLock(name: "counter-block.reading")
        let slots = lock.core.slots
        let counters = withExtendedLifetime(lock) {
            for slot in 0..<LockSlot.count { slots[slot].store(UInt64(1000 + slot), ordering: .relaxed) }
            defer { for slot in 0..<LockSlot.count { slots[slot].store(0, ordering: .relaxed) } }
            return LockCounters(slots)
        }
        for counter in LockCounter.allCases where counter != .acquisitions {
            #expect(counters[counter] == UInt64(1000 + LockSlot.of(counter)), "\(counter)")
        }
        #expect(counters.acquisitions == 1000 + UInt64(1000 + LockSlot.of(.sharedAcquisitions)))
        #expect(counters.waitHistogram == (0..<TraceLimits.histogramBuckets).map { UInt64(1000 + LockSlot.histogram + $0) })
    }
}

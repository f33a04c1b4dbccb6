import CLockProfSupport
import Foundation
import LockProfFormat
import Synchronization
import Testing

@testable import LockProf

extension RecordingTests {
    /// Two real threads write events through the recording path (``Recorder``, as a contended
    /// lock does) as fast as they can, with real stacks now and then. Every event is in the trace,
    /// intact and in order, or counted in its thread's `drops` — exactly; and the records the
    /// collector writes once (thread, lock, stack, module) are there once, with consistent ids.
    @Test func everyEventTwoThreadsWriteIsInTheTraceOrCountedAsDropped() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = ProfiledLock(name: "recording.drain-\(UUID())")
        let lockID = lock.core.lockID
        let handOvers = 60_000  // per thread: 120 000 events, several ring capacities
        let serials = Locked<[Int: UInt32]>([:])
        try LockProfiler.start(tracePath: path)
        let base = lockprof_now_ns()
        onThreads(2) { thread in
            // Thread t's event k: time base + t·10¹² + 2k (+1 for the release); the other fields
            // are functions of k, so each received event can be checked on its own.
            let offset = base + UInt64(thread) * 1_000_000_000_000
            for k in 0..<handOvers {
                let stack = k % 500 == 0 ? Recorder.captureStack(at: lockprof_now_ns()) : 0
                Recorder.recordContention(
                    lockID: lockID, time: offset + 2 * UInt64(k), wait: UInt64(k), waiterStack: stack, holderStack: 0,
                    timedOut: k % 2 == 1)
                Recorder.recordRelease(
                    lockID: lockID, time: offset + 2 * UInt64(k) + 1, hold: 3 * UInt64(k), holderStack: stack,
                    measuredFromAcquisition: k % 3 == 0)
            }
            let serial = Recorder.currentRing()!.takeUnretainedValue().serial
            serials.withLock { $0[thread] = serial }
        }
        LockProfiler.stop()

        let (records, summary) = try TraceReader.readAll(path: path)
        #expect(summary.damage.isEmpty)
        var lastDrops: [UInt32: UInt64] = [:]
        for case .drops(let drops) in records { lastDrops[drops.threadID] = drops.droppedEvents }
        let definedStacks = records.compactMap { if case .stack(let stack) = $0 { stack.stackID } else { nil } }
        #expect(Set(definedStacks).count == definedStacks.count, "a stack record written twice")
        let modules = records.compactMap { if case .module(let module) = $0 { module } else { nil } }
        #expect(Set(modules.map(\.moduleID)).count == modules.count && Set(modules.map(\.path)).count == modules.count)
        #expect(records.lockRecords.filter { $0.lockID == lockID }.count == 1)

        for thread in 0..<2 {
            let serial = try #require(serials.withLock { $0[thread] })
            let offset = base + UInt64(thread) * 1_000_000_000_000
            let threadRecords = records.filter { if case .thread(let t) = $0 { t.threadID == serial } else { false } }
            #expect(threadRecords.count == 1)
            var received = 0
            var corrupt = 0
            var previousTime: UInt64 = 0
            var waiterStackOfHandOver: [Int: UInt32] = [:]
            var mismatchedStacks = 0
            for record in records {
                switch record {
                case .contention(let event) where event.threadID == serial:
                    let k = Int((event.timeNanoseconds &- offset) / 2)
                    if event.lockID != lockID || event.timeNanoseconds != offset + 2 * UInt64(k)
                        || event.waitNanoseconds != UInt64(k) || event.timedOut != (k % 2 == 1) || event.holderStackID != 0
                        || event.timeNanoseconds <= previousTime || (k % 500 != 0 && event.waiterStackID != 0)
                    {
                        corrupt += 1
                    }
                    waiterStackOfHandOver[k] = event.waiterStackID
                    previousTime = event.timeNanoseconds
                    received += 1
                case .release(let event) where event.threadID == serial:
                    let k = Int((event.timeNanoseconds &- offset) / 2)
                    if event.lockID != lockID || event.timeNanoseconds != offset + 2 * UInt64(k) + 1
                        || event.holdNanoseconds != 3 * UInt64(k) || event.holdMeasuredFromAcquisition != (k % 3 == 0)
                        || event.timeNanoseconds <= previousTime
                    {
                        corrupt += 1
                    }
                    // The same stack hash gets the same id in the contention and the release.
                    if let waiter = waiterStackOfHandOver[k], waiter != event.holderStackID { mismatchedStacks += 1 }
                    previousTime = event.timeNanoseconds
                    received += 1
                default:
                    break
                }
            }
            #expect(corrupt == 0)
            #expect(mismatchedStacks == 0)
            #expect(UInt64(received) + (lastDrops[serial] ?? 0) == UInt64(2 * handOvers), "thread \(thread)")
            let usedStacks = Set(waiterStackOfHandOver.values.filter { $0 != 0 })
            #expect(!usedStacks.isEmpty)
            #expect(usedStacks.isSubset(of: Set(definedStacks)), "an event names a stack that has no record")
        }
    }

    /// A ring that passes its fill mark wakes a collector sleeping in ``CollectorWakeup`` long
    /// before its timeout (20 s here), with one FUTEX_WAKE.
    @Test func aRingPastItsFillMarkWakesTheSleepingCollector() {
        let wakeCallsBefore = CollectorWakeup.wakeCalls.load(ordering: .relaxed)
        let slept = Locked<UInt64?>(nil)
        onThreads(2) { role in
            if role == 0 {
                let start = lockprof_now_ns()
                CollectorWakeup.sleep(nanoseconds: 20_000_000_000)
                slept.withLock { $0 = lockprof_now_ns() - start }
            } else {
                // The sleeper may not be asleep yet: fill fresh rings until it has been woken.
                for _ in 0..<1_000 where slept.withLock({ $0 == nil }) {
                    let ring = ThreadRing(serial: 997, systemThreadID: 0, name: "filling")
                    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { words in
                        words.initialize(repeating: 0)
                        words[0] = RingEvent.header(kind: .release, length: 4, flag: false, lockID: 1)
                        while ring.write(UnsafeBufferPointer(words)) {}
                    }
                    usleep(10_000)
                }
            }
        }
        let nanoseconds = slept.withLock { $0 }
        #expect(nanoseconds.map { $0 < 10_000_000_000 } == true)
        #expect(CollectorWakeup.wakeCalls.load(ordering: .relaxed) > wakeCallsBefore)
    }
}

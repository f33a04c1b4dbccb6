import Foundation
import LockProfPprof
import Testing

@testable import LockProf
@testable import LockProfAnalysis

/// The in-memory profile's table on its own (a private instance, no recording session): exact
/// sums under real concurrent writers, the per-lock cap and its "other stacks" entry, the
/// process-wide overflow, and deltas.
@Suite struct ContentionProfileTests {
    @Test func concurrentWaitersAddUpExactly() {
        let profile = ContentionProfile(entryCapacity: 1 << 10, stackCapacity: 64)
        let threads = 4, waitsPerThread = 5_000
        onThreads(threads) { index in
            for wait in 0..<waitsPerThread {
                profile.addContention(
                    lockID: 7, wait: UInt64(wait + 1), waiterStack: UInt64(100 + index), holderStack: UInt64(200 + wait % 3))
                if wait % 2 == 0 { profile.addHold(lockID: 7, hold: 10, holderStack: UInt64(200 + wait % 3)) }
            }
        }
        let snapshot = profile.snapshot()
        let perThreadDelay = UInt64(waitsPerThread * (waitsPerThread + 1) / 2)
        for side in ProfileSide.allCases {
            let entries = snapshot.figures.filter { $0.key.side == side && $0.key.lockID == 7 }
            #expect(entries.count == (side == .holder ? 3 : threads))
            #expect(entries.values.map(\.contentions).reduce(0, +) == UInt64(threads * waitsPerThread))
            #expect(entries.values.map(\.delayNanoseconds).reduce(0, +) == UInt64(threads) * perThreadDelay)
            #expect(!entries.keys.contains { $0.isOtherStacks })
        }
        let holds = snapshot.figures.filter { $0.key.side == .holder }.values.map(\.holdNanoseconds).reduce(0, +)
        #expect(holds == UInt64(threads * waitsPerThread / 2 * 10))
        for index in 0..<threads {
            let key = ContentionProfileSnapshot.Key(lockID: 7, side: .waiter, stack: UInt64(100 + index), isOtherStacks: false)
            #expect(snapshot.figures[key]?.contentions == UInt64(waitsPerThread))
        }
    }

    @Test func stacksPastTheCapGoToTheLocksOtherStacks() {
        let profile = ContentionProfile(entryCapacity: 1 << 12, stackCapacity: 64)
        let cap = Int(ContentionProfile.stacksPerLock)
        for stack in 1...(cap + 10) {
            profile.addContention(lockID: 3, wait: 5, waiterStack: UInt64(stack), holderStack: 0)
        }
        let waiter = profile.snapshot().figures.filter { $0.key.side == .waiter && $0.key.lockID == 3 }
        #expect(waiter.count == cap + 1)
        let other = waiter.first { $0.key.isOtherStacks }
        #expect(other?.value.contentions == 10)
        #expect(other?.value.delayNanoseconds == 50)
        // The uncaptured holder stack is one entry (stack 0) with every wait.
        let holder = profile.snapshot().figures.filter { $0.key.side == .holder && $0.key.lockID == 3 }
        #expect(holder.count == 1)
        #expect(holder.first?.key.stack == 0)
        #expect(holder.first?.value.contentions == UInt64(cap + 10))
    }

    @Test func aFullTableSendsWeightToTheOverflowWithoutLosingAny() {
        let profile = ContentionProfile(entryCapacity: 64, stackCapacity: 64)
        var added: UInt64 = 0
        for lock in 1...200 {
            profile.addContention(lockID: UInt32(lock), wait: 1, waiterStack: 9, holderStack: 9)
            added += 1
        }
        let snapshot = profile.snapshot()
        for side in ProfileSide.allCases {
            let entries = snapshot.figures.filter { $0.key.side == side }
            #expect(entries.values.map(\.contentions).reduce(0, +) == added)
            #expect(entries.keys.contains { $0.lockID == 0 && $0.isOtherStacks })
        }
    }

    @Test func aSnapshotSinceAnEarlierOneHoldsOnlyTheChange() {
        let profile = ContentionProfile(entryCapacity: 1 << 8, stackCapacity: 64)
        profile.addContention(lockID: 1, wait: 100, waiterStack: 1, holderStack: 2)
        let before = profile.snapshot()
        profile.addContention(lockID: 1, wait: 30, waiterStack: 1, holderStack: 3)
        let delta = profile.snapshot().since(before)
        let holder = delta.figures.filter { $0.key.side == .holder }
        #expect(holder.count == 1)
        #expect(holder.first?.key.stack == 3)
        #expect(holder.first?.value == .init(contentions: 1, delayNanoseconds: 30, holdNanoseconds: 0))
        #expect(delta.figures.filter { $0.key.side == .waiter }.first?.value.delayNanoseconds == 30)
    }

    @Test func stackFramesAreKeptOnceAndReadBack() {
        let table = ProfileStackTable(capacity: 16)
        let frames: [UInt64] = [0x10, 0x20, 0x30]
        frames.withUnsafeBufferPointer { table.intern(hash: 42, addresses: $0) }
        [UInt64(0x99)].withUnsafeBufferPointer { table.intern(hash: 42, addresses: $0) }
        #expect(table.addresses(of: 42) == frames)
        #expect(table.addresses(of: 43) == nil)
        #expect(table.addresses(of: 0) == nil)
    }

    @Test func profilerFramesAreTrimmedUpToTheFirstUserFrame() {
        let names = ["LockProf.LockCore.unlockSlow() -> ()", "specialized LockProf.ProfiledLock.withLock<A>(_:)", "Bank.deposit()", "LockProf.other"]
        let trimmed = ProfileRenderer.trimmed(names.map { .init(function: $0) })
        #expect(trimmed.map(\.function) == ["Bank.deposit()", "LockProf.other"])
    }

    @Test func theLiveProfileFoldsExecutorFramesAsTheReportDoes() {
        // A waiter stack captured in a task-group child, as the symbolizer names it, untrimmed.
        let frames: [(function: String, module: String)] = [
            ("LockProf.LockCore.lockContended(timeoutNanoseconds: Swift.Int64, heldWord: Swift.UInt32) -> Swift.Bool", "demo"),
            ("(2) suspend resume partial function for demo.recordSaleInTask(Swift.Int) async -> ()", "demo"),
            ("(1) await resume partial function for demo.saleBatch(Swift.Int) async -> ()", "demo"),
            ("(1) await resume partial function for closure #1 () async -> () in demo.asyncSales() async -> ()", "demo"),
            ("(1) await resume partial function for partial apply forwarder for closure #1 () async -> () in demo.asyncSales() async -> ()", "demo"),
            ("completeTaskWithClosure(swift::AsyncContext*, swift::SwiftError*)", "libswift_Concurrency.so"),
            ("swift::runJobInEstablishedExecutorContext(swift::Job*)", "libswift_Concurrency.so"),
            ("swift_job_run", "libswift_Concurrency.so"),
            ("_dispatch_continuation_pop", "libdispatch.so"),
            ("_dispatch_worker_thread", "libdispatch.so"),
            ("start_thread", "libc.so.6"),
            ("__clone3", "libc.so.6"),
        ]
        let live = ProfileRenderer.trimmedAndFolded(
            frames.enumerated().map { index, frame in
                ProfileSymbols.ModuleFrame(frame: PprofProfile.Frame(function: frame.function, address: UInt64(0x1000 + index)), module: frame.module)
            })
        let report = ExecutorFolding.folded(FrameTrimming.trimmed(frames.map { FrameReport(function: $0.function, module: $0.module) }))
        #expect(live.map(\.function) == report.map(\.function))
        #expect(live.map(\.function) == frames[1...3].map(\.function) + ["[Swift concurrency executor]"])
        // The folded frame keeps the address of the first frame it replaces (debug=1 lists it).
        #expect(live.last?.address == 0x1004)
        // Without executor frames nothing folds.
        let plain = [PprofProfile.Frame(function: "Bank.deposit()"), PprofProfile.Frame(function: "Bank.main()")]
        #expect(ProfileRenderer.trimmedAndFolded(plain.map { ProfileSymbols.ModuleFrame(frame: $0, module: "bank") }) == plain)
    }
}

import LockProfAnalysis
import LockProfFormat
import Testing

/// The bank account of scenario 5: `withdraw` sleeps 2 ms under the lock; `deposit` holds it briefly.
/// Stack 1 = withdraw (holding), stack 2 = deposit (holding), stack 3 = withdraw waiting, stack 4 = balance waiting.
let accountRun: [TraceRecord] = [
    processRecord(), bankModule, libcModule, lockRecord(1, "account"),
    symbol(0x100, "LockProf.ProfiledLock.lock() -> ()", file: "/src/LockProf/ProfiledLock.swift", line: 80),
    symbol(0x200, "Bank.Account.withdraw(amount: Swift.Int) -> ()", line: 40),
    symbol(0x300, "Bank.Account.deposit(amount: Swift.Int) -> ()", line: 30),
    symbol(0x400, "Bank.Account.balance.getter : Swift.Int", line: 20),
    symbol(0x500, "Bank.Teller.run() -> ()", file: "/src/Bank/Teller.swift", line: 12),
    .symbol(SymbolRecord(frame: Frame(moduleID: 2, offset: 0x9000), function: "syscall", file: nil, line: nil)),
    stack(1, [0x100, 0x200, 0x500]),
    stack(2, [0x100, 0x300, 0x500]),
    .stack(StackRecord(stackID: 3, frames: [Frame(moduleID: 2, offset: 0x9000), Frame(moduleID: 1, offset: 0x100), Frame(moduleID: 1, offset: 0x200)])),
    stack(4, [0x100, 0x400, 0x500]),
    // 6 ms of captured waits blamed on withdraw, 2 ms on deposit; 2 ms more without any stack.
    contention(lock: 1, wait: 4 * millisecond, waiter: 3, holder: 1),
    contention(lock: 1, wait: 2 * millisecond, waiter: 4, holder: 1),
    contention(lock: 1, wait: 2 * millisecond, waiter: 3, holder: 2),
    contention(lock: 1, wait: 2 * millisecond, waiter: 0, holder: 0),
    release(lock: 1, hold: 2_100_000, holder: 1),
    release(lock: 1, hold: 1_900_000, holder: 1),
    release(lock: 1, hold: 50_000, holder: 2),
    counters(
        1, acquisitions: 64, contended: 4, wait: 10 * millisecond, maximumWait: 4 * millisecond,
        histogram: [UInt64](repeating: 0, count: 20) + [3, 1], sampledHolds: 1, sampledHoldNanoseconds: 1000,
        blockingHolds: 3, blockingHoldNanoseconds: 4_050_000),
    end(after: 40 * millisecond),
]

@Suite struct StackAttributionTests {
    @Test func waitIsBlamedOnTheHolderThatReleasedToTheWaiter() throws {
        let account = try #require(ContentionAnalysis.report(records: accountRun).locks.first)
        #expect(account.holderStacks.map(\.stackID) == [1, 2])
        let withdraw = account.holderStacks[0]
        #expect(withdraw.frames.first?.function == "Bank.Account.withdraw(amount: Swift.Int) -> ()")
        #expect(withdraw.count == 2)
        // 6 of the 8 captured ms, scaled to the lock's 10 ms.
        #expect(withdraw.weightNanoseconds == 7_500_000)
        #expect(withdraw.share == 0.75)
        #expect(withdraw.releases == 2)
        #expect(withdraw.meanHoldNanoseconds == 2 * millisecond)
        let deposit = account.holderStacks[1]
        #expect(deposit.weightNanoseconds == 2_500_000)
        #expect(deposit.meanHoldNanoseconds == 50_000)
    }

    @Test func waiterStacksAreScaledForWaitsWithoutAStack() throws {
        let account = try #require(ContentionAnalysis.report(records: accountRun).locks.first)
        #expect(account.stacksSampled)
        #expect(account.waiterStacks.map(\.stackID) == [3, 4])
        #expect(account.waiterStacks.map(\.weightNanoseconds) == [7_500_000, 2_500_000])
        #expect(account.waiterStacks.map(\.count) == [2, 1])
        #expect(account.waiterStacks.reduce(0) { $0 + $1.weightNanoseconds } == account.waitNanoseconds)
    }

    @Test func stacksAreNotSampledWhenEveryWaitHasThem() throws {
        var records = accountRun
        records.removeAll { $0 == contention(lock: 1, wait: 2 * millisecond, waiter: 0, holder: 0) }
        records.removeAll { if case .lockStatistics = $0 { true } else { false } }
        records.append(counters(1, acquisitions: 64, contended: 3, wait: 8 * millisecond))
        let account = try #require(ContentionAnalysis.report(records: records).locks.first)
        #expect(!account.stacksSampled)
        #expect(account.holderStacks.map(\.weightNanoseconds) == [6 * millisecond, 2 * millisecond])
    }

    @Test func weighingKeepsOnlyCapturedStacks() {
        let weighed = StackAttribution.weigh(
            [0: StackTally(count: 5, waitNanoseconds: 500), 7: StackTally(count: 1, waitNanoseconds: 100)],
            totalWaitNanoseconds: 600)
        #expect(weighed.map(\.stackID) == [7])
        #expect(weighed.map(\.weightNanoseconds) == [600])
    }

    @Test func equalTalliesBuiltInAnotherOrderWeighTheSame() {
        // Waits of very different sizes, so a floating-point sum in another order differs in its
        // last bits; the two dictionaries hold the same tallies, inserted in opposite orders.
        let ids = Array(UInt32(1)...3_000)
        func tally(_ id: UInt32) -> StackTally {
            StackTally(count: 1, waitNanoseconds: id % 3 == 0 ? UInt64.max / 7 + UInt64(id) : UInt64(id) * 1_234_567)
        }
        var ascending: [UInt32: StackTally] = [:]
        for id in ids { ascending[id] = tally(id) }
        var descending: [UInt32: StackTally] = [:]
        for id in ids.reversed() { descending[id] = tally(id) }
        #expect(ascending == descending)
        let a = StackAttribution.weigh(ascending, totalWaitNanoseconds: .max)
        let b = StackAttribution.weigh(descending, totalWaitNanoseconds: .max)
        #expect(a.map(\.stackID) == b.map(\.stackID))
        #expect(a.map(\.share) == b.map(\.share))
        #expect(a.map(\.weightNanoseconds) == b.map(\.weightNanoseconds))
    }
}

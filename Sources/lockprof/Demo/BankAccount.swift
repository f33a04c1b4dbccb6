import LockProf

/// Scenario 5, a long hold: `withdraw` checks the balance, waits on (simulated) I/O and then
/// debits, all while holding the account lock. The report must flag `demo.account` and show
/// `BankAccount.withdraw` as the holder, with a hold time of about the I/O.
final class BankAccount: @unchecked Sendable {
    private let lock = ProfiledLock(name: "demo.account")
    private var balance: Int

    init(balance: Int) {
        self.balance = balance
    }

    /// Takes `amount` out if the balance allows it, talking to the (slow) ledger under the lock.
    @inline(never)
    func withdraw(_ amount: Int, ioMilliseconds: Double) -> Bool {
        lock.withLock {
            guard balance >= amount else { return false }
            DemoWork.simulatedIO(milliseconds: ioMilliseconds)
            balance -= amount
            return true
        }
    }

    var currentBalance: Int { lock.withLock { balance } }

    /// `threads` threads each making `withdrawalsPerThread` withdrawals of 1.
    static func run(threads: Int, withdrawalsPerThread: Int, ioMilliseconds: Double) -> DemoOutcome {
        let opening = threads * withdrawalsPerThread
        let account = BankAccount(balance: opening)
        _ = DemoThreads.run(threads, named: "teller") { _ in
            for _ in 0..<withdrawalsPerThread { _ = account.withdraw(1, ioMilliseconds: ioMilliseconds) }
            return withdrawalsPerThread
        }
        let balance = account.currentBalance
        return DemoOutcome(
            scenario: "bank account",
            acquisitions: ["demo.account": UInt64(opening + 1)],
            problems: balance == 0 ? [] : ["demo.account balance \(balance) after withdrawing everything, expected 0"])
    }
}

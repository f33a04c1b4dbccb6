import LockProf
import Synchronization

/// Scenario 6, the fix: the slow I/O happens before taking the lock, which is held only to check
/// and debit. `demo.account-fixed` must not be flagged and the balance never goes negative.
final class FixedBankAccount: @unchecked Sendable {
    private let lock = ProfiledLock(name: "demo.account-fixed")
    private var balance: Int
    private var lowestBalance: Int

    init(balance: Int) {
        self.balance = balance
        self.lowestBalance = balance
    }

    /// Talks to the (slow) ledger first, then checks and debits under the lock.
    @inline(never)
    func withdraw(_ amount: Int, ioMilliseconds: Double) -> Bool {
        DemoWork.simulatedIO(milliseconds: ioMilliseconds)
        return lock.withLock {
            guard balance >= amount else { return false }
            balance -= amount
            lowestBalance = min(lowestBalance, balance)
            return true
        }
    }

    var state: (balance: Int, lowest: Int) { lock.withLock { (balance, lowestBalance) } }

    /// `threads` threads each making `withdrawalsPerThread` withdrawals of 1 from an account
    /// holding less than that, so some must be refused.
    static func run(threads: Int, withdrawalsPerThread: Int, ioMilliseconds: Double) -> DemoOutcome {
        let attempts = threads * withdrawalsPerThread
        let opening = attempts - threads
        let account = FixedBankAccount(balance: opening)
        let granted = Atomic(0)  // not Mutex: TSan cannot see its kernel-taken contended path
        _ = DemoThreads.run(threads, named: "teller-fixed") { _ in
            var mine = 0
            for _ in 0..<withdrawalsPerThread where account.withdraw(1, ioMilliseconds: ioMilliseconds) { mine += 1 }
            granted.add(mine, ordering: .relaxed)
            return mine
        }
        let (balance, lowest) = account.state
        let withdrawn = granted.load(ordering: .relaxed)
        var problems: [String] = []
        if lowest < 0 { problems.append("demo.account-fixed went negative (\(lowest))") }
        if withdrawn != opening || balance != 0 {
            problems.append("demo.account-fixed granted \(withdrawn) of \(attempts) withdrawals, balance \(balance); expected \(opening), 0")
        }
        return DemoOutcome(
            scenario: "fixed bank account", acquisitions: ["demo.account-fixed": UInt64(attempts + 1)], problems: problems)
    }
}

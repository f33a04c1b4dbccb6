// An ordinary program that uses a profiled lock and knows nothing about recording: run it with
// LOCKPROF_TRACE=trace.bin to get a trace, then `lockprof report trace.bin`.
//
//     swift build --product bank-tellers
//     LOCKPROF_TRACE=tellers.trace .build/debug/bank-tellers
//     swift run lockprof report tellers.trace
import Foundation
import LockProf

/// An account whose withdrawal talks to a slow ledger while holding the account's lock.
final class Account: @unchecked Sendable {
    private let lock = ProfiledLock(name: "tellers.account")  // was: NSLock()
    private var balance: Int

    init(balance: Int) { self.balance = balance }

    @inline(never)
    func withdraw(_ amount: Int) -> Bool {
        lock.withLock {
            guard balance >= amount else { return false }
            Thread.sleep(forTimeInterval: 0.002)  // the ledger round trip, under the lock
            balance -= amount
            return true
        }
    }

    var currentBalance: Int { lock.withLock { balance } }
}

let tellers = 4
let withdrawalsPerTeller = 10
let account = Account(balance: tellers * withdrawalsPerTeller)
let done = DispatchGroup()
for _ in 0..<tellers {
    done.enter()
    Thread {
        for _ in 0..<withdrawalsPerTeller { _ = account.withdraw(1) }
        done.leave()
    }.start()
}
done.wait()
print("balance \(account.currentBalance)")

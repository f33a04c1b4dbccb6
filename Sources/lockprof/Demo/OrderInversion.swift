import LockProf

/// Scenario 9, a lock-order inversion: a transfer from a to b takes `demo.order-a` then
/// `demo.order-b`; a transfer from b to a takes them the other way round. The two run one after
/// the other, so the demo does not deadlock, yet the report must name the inversion a ↔ b with
/// both acquisition sites, and `lockprof check` must fail on it.
final class OrderInversion: @unchecked Sendable {
    private let a = ProfiledLock(name: "demo.order-a")
    private let b = ProfiledLock(name: "demo.order-b")
    private var balanceA = 1_000_000
    private var balanceB = 1_000_000

    /// Moves one unit from a to b, holding a then b.
    @inline(never)
    func transferAToB() {
        a.withLock {
            b.withLock {
                balanceA -= 1
                balanceB += 1
            }
        }
    }

    /// Moves one unit from b to a, holding b then a: the opposite order.
    @inline(never)
    func transferBToA() {
        b.withLock {
            a.withLock {
                balanceB -= 1
                balanceA += 1
            }
        }
    }

    /// `transfers` transfers each way, on two threads run one after the other.
    static func run(transfers: Int) -> DemoOutcome {
        let accounts = OrderInversion()
        _ = DemoThreads.run(1, named: "transfer-a-to-b") { _ in
            for _ in 0..<transfers { accounts.transferAToB() }
            return transfers
        }
        _ = DemoThreads.run(1, named: "transfer-b-to-a") { _ in
            for _ in 0..<transfers { accounts.transferBToA() }
            return transfers
        }
        let total = accounts.a.withLock { accounts.b.withLock { accounts.balanceA + accounts.balanceB } }
        return DemoOutcome(
            scenario: "order inversion",
            acquisitions: ["demo.order-a": UInt64(2 * transfers + 1), "demo.order-b": UInt64(2 * transfers + 1)],
            problems: total == 2_000_000 ? [] : ["order inversion: balances sum to \(total), expected 2000000"])
    }
}

import ArgumentParser

/// The workloads `lockprof demo` can run, by the name `--scenario` takes.
enum DemoScenario: String, CaseIterable, ExpressibleByArgument {
    case hotCounter = "hot-counter"
    case shardedCounter = "sharded-counter"
    case stripedDictionary = "striped-dictionary"
    case bankAccount = "bank-account"
    case fixedBankAccount = "fixed-bank-account"
    case oneThread = "one-thread"
    case orderInversion = "order-inversion"

    /// Runs the scenario on real threads.
    func run() -> DemoOutcome {
        switch self {
        case .hotCounter: HotCounter.run(threads: 8, milliseconds: 300)
        case .shardedCounter: ShardedCounter.run(threads: 8, milliseconds: 250)
        case .stripedDictionary: StripedDictionary.run(threads: 8, milliseconds: 150, stripes: 16)
        case .bankAccount: BankAccount.run(threads: 4, withdrawalsPerThread: 30, ioMilliseconds: 2)
        case .fixedBankAccount: FixedBankAccount.run(threads: 4, withdrawalsPerThread: 30, ioMilliseconds: 2)
        case .oneThread: OneThread.run(acquisitions: 10_000)
        case .orderInversion: OrderInversion.run(transfers: 1_000)
        }
    }
}

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
    case readWriteCache = "read-write-cache"
    case producerConsumer = "producer-consumer"
    case recursiveRegistry = "recursive-registry"
    case semaphorePool = "semaphore-pool"
    case timedOutDeadlock = "timed-out-deadlock"
    case deadlock = "deadlock"

    /// What `lockprof demo` runs without `--scenario`: everything but the semaphore pool, whose
    /// flagged wait (correct for it) would change the demo's verdict, the timed-out deadlock,
    /// which waits on purpose, and the deadlock, which hangs on purpose.
    static let defaultRun = allCases.filter { ![.semaphorePool, .timedOutDeadlock, .deadlock].contains($0) }

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
        case .readWriteCache: ReadWriteCache.run(readers: 7, milliseconds: 100)
        case .producerConsumer: ProducerConsumer.run(producers: 2, consumers: 4, itemsPerProducer: 400)
        case .recursiveRegistry: RecursiveRegistry.run(threads: 2, milliseconds: 40)
        case .semaphorePool: SemaphorePool.run(permits: 3, workers: 8, jobsPerWorker: 15)
        case .timedOutDeadlock: TimedOutDeadlock.run(milliseconds: 100)
        case .deadlock: TimedOutDeadlock.hang()
        }
    }
}

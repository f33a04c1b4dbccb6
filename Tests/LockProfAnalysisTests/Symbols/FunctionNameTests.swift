import LockProfAnalysis
import Testing

@Suite struct FunctionNameTests {
    @Test(arguments: [
        ("lockprof.BankAccount.withdraw(_: Swift.Int, ioMilliseconds: Swift.Double) -> Swift.Bool", "BankAccount.withdraw(_:ioMilliseconds:)"),
        ("lockprof.HotCounter.increment() -> ()", "HotCounter.increment()"),
        ("closure #1 () -> () in lockprof.HotCounter.increment() -> ()", "closure #1 in HotCounter.increment()"),
        ("Bank.Account.balance.getter : Swift.Int", "Account.balance.getter"),
        ("generic specialization <Swift.Int> of lockprof.Box.update<A>((inout A) -> ()) -> ()", "specialized Box.update<A>(_:)"),
        ("specialized lockprof.Cache.get(key: [Swift.String : Swift.Int]) -> Swift.Int?", "specialized Cache.get(key:)"),
        ("closure #1 (Swift.Int) -> Swift.Int in static lockprof.HotCounter.run(threads: Swift.Int, milliseconds: Swift.Int) -> lockprof.DemoOutcome", "closure #1 in HotCounter.run(threads:milliseconds:)"),
        ("static lockprof.DemoThreads.run(_: Swift.Int, named: Swift.String, _: @Sendable (Swift.Int) -> Swift.Int) -> Swift.Array<Swift.Int>", "DemoThreads.run(_:named:_:)"),
        ("partial apply forwarder for closure #1 @Sendable (Swift.Int) -> Swift.Int in static lockprof.BankAccount.run(threads: Swift.Int) -> lockprof.DemoOutcome", "closure #1 in BankAccount.run(threads:)"),
        ("@objc Foundation.(NSThreadStart in _643EAFDBA6441671515D9121EE76E49E)(Swift.UnsafeMutableRawPointer?) -> Swift.UnsafeMutableRawPointer?", "NSThreadStart(_:)"),
        ("lockprof.(Helper in _0A1B).run(count: Swift.Int) -> ()", "Helper.run(count:)"),
        ("specialized static lockprof.OrderInversion.run(transfers: Swift.Int) -> lockprof.DemoOutcome", "specialized OrderInversion.run(transfers:)"),
        ("function signature specialization <Arg[1] = Dead> of static lockprof.OrderInversion.run(transfers: Swift.Int) -> lockprof.DemoOutcome", "specialized OrderInversion.run(transfers:)"),
        ("merged partial apply forwarder for closure #1 @Sendable (Swift.Int) -> Swift.Int in static lockprof.OrderInversion.run(transfers: Swift.Int) -> lockprof.DemoOutcome", "closure #1 in OrderInversion.run(transfers:)"),
        ("main", "main"),
        ("0x1f2e", "0x1f2e"),
        ("__libc_start_main", "__libc_start_main"),
    ])
    func demangledNamesReadLikeSwift(_ demangled: String, _ readable: String) {
        #expect(FunctionName.readable(demangled) == readable)
    }

    /// The names llvm-symbolizer and the Swift demangler gave the frames of 16 tasks contending
    /// in `recordSaleInTask(_:_:)` (issue 21), and their neighbours on the executor's stack.
    @Test(arguments: [
        ("(1) suspend resume partial function for CoreScenarios.recordSaleInTask(CoreScenarios.SalesTotals, Swift.Int) async -> ()", "recordSaleInTask(_:_:) (async)"),
        ("(2) await resume partial function for CoreScenarios.recordSaleInTask(CoreScenarios.SalesTotals, Swift.Int) async -> ()", "recordSaleInTask(_:_:) (async)"),
        ("await resume partial function for lockprof.Ledger.post(amount: Swift.Int) async throws -> ()", "Ledger.post(amount:) (async)"),
        ("async function pointer to CoreScenarios.asyncTasks() async -> ()", "asyncTasks() (async)"),
        ("CoreScenarios.recordSaleInTask(CoreScenarios.SalesTotals, Swift.Int) async -> ()", "recordSaleInTask(_:_:) (async)"),
        ("(1) suspend resume partial function for closure #1 @Sendable () async -> () in CoreScenarios.asyncTasks() async -> ()", "closure #1 in asyncTasks() (async)"),
        // A closure's mark is its own: async by its signature, plain (a Thread's body) when its
        // signature is not async, even inside an async function.
        ("closure #2 @Sendable () async -> () in CoreScenarios.asyncTasks() async -> ()", "closure #2 in asyncTasks() (async)"),
        ("closure #3 @Sendable () -> () in CoreScenarios.asyncTasks() async -> ()", "closure #3 in asyncTasks()"),
        ("partial apply forwarder for closure #1 () -> () in static CoreScenarios.spawn() async throws -> ()", "closure #1 in spawn()"),
        ("swift_job_run", "swift_job_run"),
        ("_dispatch_continuation_pop", "_dispatch_continuation_pop"),
    ])
    func asyncFunctionsReadAsTheirSourceNameMarkedAsync(_ demangled: String, _ readable: String) {
        #expect(FunctionName.readable(demangled) == readable)
    }

    @Test(arguments: [
        ("swift::runJobInEstablishedExecutorContext(swift::Job*)", "swift::runJobInEstablishedExecutorContext"),
        ("swift::threading_impl::thread_start(void*) const", "swift::threading_impl::thread_start"),
        ("(anonymous namespace)::ProcessOutOfLineJob::process(swift::Job*)", "(anonymous namespace)::ProcessOutOfLineJob::process"),
        ("std::vector<std::pair<int, int>, std::allocator<std::pair<int, int> > >::push_back(std::pair<int, int> const&)", "std::vector<std::pair<int, int>, std::allocator<std::pair<int, int> > >::push_back"),
        ("std::function<void (int)>::operator()(int) const", "std::function<void (int)>::operator()"),
        ("swift::Job::run", "swift::Job::run"),
    ])
    func cPlusPlusNamesKeepTheirNamespacesAndLoseTheirParameters(_ demangled: String, _ readable: String) {
        #expect(FunctionName.readable(demangled) == readable)
    }
}

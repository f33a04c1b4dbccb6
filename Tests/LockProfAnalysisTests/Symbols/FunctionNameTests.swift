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
}

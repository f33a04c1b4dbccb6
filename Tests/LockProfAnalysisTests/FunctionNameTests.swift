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
        ("main", "main"),
        ("0x1f2e", "0x1f2e"),
        ("__libc_start_main", "__libc_start_main"),
    ])
    func demangledNamesReadLikeSwift(_ demangled: String, _ readable: String) {
        #expect(FunctionName.readable(demangled) == readable)
    }
}

/// Work the optimizer cannot fold away, done inside and outside locks by the benchmark programs.
public enum Work {
    /// `rounds` rounds of a 64-bit finalizer mix over `value`: each result depends on the last.
    @inline(never)
    public static func mix(_ value: UInt64, rounds: Int) -> UInt64 {
        var x = value
        for _ in 0..<rounds {
            x ^= x >> 33
            x &*= 0xff51_afd7_ed55_8ccd
            x ^= x >> 29
        }
        return x
    }
}

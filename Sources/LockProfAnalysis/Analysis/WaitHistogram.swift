/// Percentiles from the runtime's log2 wait histogram.
///
/// Bucket `i` counts waits `w` with `⌊log2(max(w, 1))⌋ = i`, that is waits in `[2^i, 2^(i+1))`
/// (bucket 0 also holds waits of 0 ns). Within the bucket that holds the wanted rank the waits are
/// taken as spread evenly, so the percentile is interpolated linearly:
///
///     rank   = p × total count
///     bucket = the first whose cumulative count reaches rank
///     value  = 2^i + 2^i × (rank − count below the bucket) ÷ count in the bucket
///
/// and the result is capped at the longest wait seen, when known. The error is at most the bucket's
/// width, a factor of two.
package enum WaitHistogram {
    /// The bucket a wait falls in.
    package static func bucket(of waitNanoseconds: UInt64) -> Int {
        63 - max(waitNanoseconds, 1).leadingZeroBitCount
    }

    /// The `p`-th quantile (`0 < p ≤ 1`, e.g. 0.99) of the waits counted in `histogram`, in
    /// nanoseconds, or nil when the histogram is empty.
    ///
    /// ```swift
    /// WaitHistogram.percentile(0.5, of: [0, 0, 4]) // 6: half-way through [4, 8)
    /// ```
    package static func percentile(_ p: Double, of histogram: [UInt64], maximumNanoseconds: UInt64? = nil) -> UInt64? {
        let total = histogram.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { return nil }
        let rank = min(max(p, 0), 1) * total
        var below = 0.0
        for (index, count) in histogram.enumerated() where count > 0 {
            let count = Double(count)
            if below + count >= rank {
                let low = Double(sign: .plus, exponent: index, significand: 1)
                let value = low + low * max(rank - below, 0) / count
                let capped = maximumNanoseconds.map { min(value, Double($0)) } ?? value
                return capped >= Double(UInt64.max) ? .max : UInt64(capped.rounded())
            }
            below += count
        }
        return maximumNanoseconds
    }

    /// Bucket-wise sum of two histograms of possibly different lengths.
    static func sum(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        (0..<max(a.count, b.count)).map { index in
            (index < a.count ? a[index] : 0).addingClamped(index < b.count ? b[index] : 0)
        }
    }
}

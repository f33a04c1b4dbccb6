import LockProfAnalysis
import Testing

@Suite struct WaitHistogramTests {
    @Test func waitsFallInTheirPowerOfTwoBucket() {
        #expect(WaitHistogram.bucket(of: 0) == 0)
        #expect(WaitHistogram.bucket(of: 1) == 0)
        #expect(WaitHistogram.bucket(of: 2) == 1)
        #expect(WaitHistogram.bucket(of: 1023) == 9)
        #expect(WaitHistogram.bucket(of: 1024) == 10)
        #expect(WaitHistogram.bucket(of: .max) == 63)
    }

    @Test func percentilesInterpolateWithinTheBucket() {
        // 50 waits in [1024, 2048) and 50 in [2^20, 2^21).
        var histogram = [UInt64](repeating: 0, count: 21)
        histogram[10] = 50
        histogram[20] = 50
        // p50: rank 50 is the last wait of bucket 10 → its upper edge.
        #expect(WaitHistogram.percentile(0.5, of: histogram) == 2048)
        // p99: rank 99 is 49/50 of the way through bucket 20: 2^20 × (1 + 0.98).
        #expect(WaitHistogram.percentile(0.99, of: histogram) == 2_076_180)
        // p25: half-way through bucket 10.
        #expect(WaitHistogram.percentile(0.25, of: histogram) == 1536)
    }

    @Test func percentileNeverExceedsTheLongestWait() {
        #expect(WaitHistogram.percentile(0.99, of: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100], maximumNanoseconds: 1500) == 1500)
    }

    @Test func emptyHistogramHasNoPercentile() {
        #expect(WaitHistogram.percentile(0.5, of: []) == nil)
        #expect(WaitHistogram.percentile(0.5, of: [0, 0, 0]) == nil)
    }
}

import LockProfAnalysis
import Testing

@Suite struct HoldEstimateTests {
    @Test func blockingHoldsCountExactlyAndTheRestAtTheSampledMean() {
        // 1000 acquisitions: 10 blocking holds of 2 ms each; the other 990 at the sampled mean of 100 ns.
        let mean = HoldEstimate.meanNanoseconds(
            acquisitions: 1000, blockingHolds: 10, blockingHoldNanoseconds: 20_000_000, sampledHolds: 15,
            sampledHoldNanoseconds: 1500)
        // (20_000_000 + 990 × 100) / 1000 = 20_099
        #expect(mean == 20_099)
    }

    @Test func withoutSamplesOnlyAllBlockingHoldsCanBeEstimated() {
        #expect(
            HoldEstimate.meanNanoseconds(
                acquisitions: 10, blockingHolds: 10, blockingHoldNanoseconds: 50, sampledHolds: 0, sampledHoldNanoseconds: 0)
                == 5)
        #expect(
            HoldEstimate.meanNanoseconds(
                acquisitions: 10, blockingHolds: 2, blockingHoldNanoseconds: 50, sampledHolds: 0, sampledHoldNanoseconds: 0)
                == nil)
        #expect(
            HoldEstimate.meanNanoseconds(
                acquisitions: 0, blockingHolds: 0, blockingHoldNanoseconds: 0, sampledHolds: 0, sampledHoldNanoseconds: 0)
                == nil)
    }
}

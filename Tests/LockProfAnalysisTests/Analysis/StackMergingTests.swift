@testable import LockProfAnalysis
import Testing

/// Stacks that print the same are one entry.
@Suite struct StackMergingTests {
    @Test func stacksWithTheSameFunctionsAndLinesAreMerged() {
        let frames = [FrameReport(function: "Counter.increment()", file: "/src/Counter.swift", line: 12)]
        let other = [FrameReport(function: "Counter.increment()", file: "/src/Counter.swift", line: 13)]
        let merged = StackMerging.merge([
            StackReport(stackID: 1, weightNanoseconds: 579, count: 5, share: 0.579, frames: frames, releases: 10, meanHoldNanoseconds: 100),
            StackReport(stackID: 3, weightNanoseconds: 21, count: 1, share: 0.021, frames: other),
            StackReport(stackID: 2, weightNanoseconds: 400, count: 4, share: 0.4, frames: frames, releases: 30, meanHoldNanoseconds: 200),
        ])
        #expect(merged.count == 2)
        #expect(merged[0].stackID == 1)
        #expect(merged[0].weightNanoseconds == 979)
        #expect(merged[0].count == 9)
        #expect(merged[0].releases == 40)
        #expect(merged[0].meanHoldNanoseconds == 175)
        #expect(merged[1].stackID == 3)
    }
}

import CLockProfSupport
import Foundation
import Testing

/// The frame-pointer walk (stack.c) against libunwind's unw_backtrace, on real threads.
@Suite struct StackCaptureTests {
    @Test func theFramePointerWalkFindsTheSameCallersAsLibunwind() {
        let result = Locked<(walk: [UInt64], unwind: [UInt64])>(([], []))
        onThreads(1) { _ in
            let captured = outerCaller()
            result.withLock { $0 = captured }
        }
        let (walk, unwind) = result.withLock { $0 }
        // Frame 0 is each capture's own call site; the callers above it are the same three
        // functions at the same return addresses, and the walk reaches at least as far.
        #expect(walk.count >= 4 && unwind.count >= 4, "walk \(walk), unwind \(unwind)")
        #expect(Array(walk.dropFirst().prefix(3)) == Array(unwind.dropFirst().prefix(3)))
        #expect(walk[0] != 0 && unwind[0] != 0)
    }

    @Test func theWalkStopsAtTheLimitAndHonoursSkip() {
        let result = Locked<(all: [UInt64], skipped: [UInt64], two: Int32)>(([], [], 0))
        onThreads(1) { _ in
            let captured = captureThrice()
            result.withLock { $0 = captured }
        }
        let (all, skipped, two) = result.withLock { $0 }
        #expect(two == 2)
        #expect(all.count >= 3)
        // Skipping one frame drops this thread's innermost caller and keeps the rest in order.
        #expect(Array(skipped.prefix(2)) == Array(all.dropFirst().prefix(2)))
    }
}

@inline(never) func outerCaller() -> (walk: [UInt64], unwind: [UInt64]) { middleCaller() }
@inline(never) func middleCaller() -> (walk: [UInt64], unwind: [UInt64]) { innerCaller() }
@inline(never) func innerCaller() -> (walk: [UInt64], unwind: [UInt64]) { bothCaptures() }

@inline(never) func bothCaptures() -> (walk: [UInt64], unwind: [UInt64]) {
    var walk = [UInt64](repeating: 0, count: 64)
    var unwind = [UInt64](repeating: 0, count: 64)
    let walked = Int(lockprof_capture_stack(&walk, 64, 0))
    let unwound = Int(lockprof_capture_stack_unwind(&unwind, 64, 0))
    return (Array(walk.prefix(walked)), Array(unwind.prefix(unwound)))
}

@inline(never) func captureThrice() -> (all: [UInt64], skipped: [UInt64], two: Int32) {
    var all = [UInt64](repeating: 0, count: 64)
    var skipped = [UInt64](repeating: 0, count: 64)
    var two = [UInt64](repeating: 0, count: 64)
    let allCount = Int(lockprof_capture_stack(&all, 64, 0))
    let skippedCount = Int(lockprof_capture_stack(&skipped, 64, 1))
    let twoCount = lockprof_capture_stack(&two, 2, 0)
    return (Array(all.prefix(allCount)), Array(skipped.prefix(skippedCount)), twoCount)
}

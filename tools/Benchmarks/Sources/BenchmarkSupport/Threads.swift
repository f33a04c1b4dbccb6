import Foundation

/// Starting the benchmarks' real threads.
public enum Threads {
    /// Runs `body(index)` on `count` threads, released together through a gate so they contend
    /// from the first operation, and returns the nanoseconds from the release until all finished.
    @discardableResult
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> UInt64 {
        let group = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        for index in 0..<count {
            group.enter()
            Thread {
                gate.wait()
                body(index)
                group.leave()
            }.start()
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { gate.signal() }
        group.wait()
        return DispatchTime.now().uptimeNanoseconds - start
    }
}

/// The median of `values` (the mean of the middle two for an even count); 0 for none.
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

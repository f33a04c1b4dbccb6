/// The report's table and stacks for a few locks, as `lockprof report` prints them: what a
/// failure message shows so the reader sees the offending lock's numbers without another command.
package enum LockTable {
    /// The table rows of `locks` (with the header), then each one's holder and waiter stacks.
    package static func render(_ locks: [LockReport], multipleProcesses: Bool = false, stacks: Int = 2) -> String {
        let renderer = TextReportRenderer(framesPerStack: 4)
        var lines = renderer.table(of: locks, multipleProcesses: multipleProcesses)
        for var lock in locks where lock.waitNanoseconds > 0 {
            lock.holderStacks = Array(lock.holderStacks.prefix(stacks))
            lock.waiterStacks = Array(lock.waiterStacks.prefix(stacks))
            lines.append("")
            lines += renderer.stacks(of: lock, multipleProcesses: multipleProcesses)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

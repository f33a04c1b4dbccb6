/// Exports a report as folded stacks, one `lock;outermost;…;innermost weight` line per distinct
/// stack, the input of flamegraph.pl, inferno and speedscope. The lock's name is the root frame,
/// so the flame graph has one tower per lock; the weight is the wait in nanoseconds blamed on
/// the stack (holder side: the wait it caused; waiter side: the wait it suffered).
///
/// ```
/// demo.account;Thread.main();closure #1 in BankAccount.run(…);BankAccount.withdraw(_:ioMilliseconds:) 708976734
/// ```
public struct FoldedStacksExporter: Sendable {
    /// Holder or waiter stacks.
    public var side: StackSide

    /// An exporter of `side`'s stacks.
    public init(side: StackSide = .holder) { self.side = side }

    /// The folded lines, sorted, each ending in a newline; empty when nothing waited.
    public func export(_ report: ContentionReport) -> String {
        var weights: [String: UInt64] = [:]
        for stack in ExportedStack.all(in: report, side: side) where stack.delayNanoseconds > 0 {
            let names = stack.frames.isEmpty ? [ExportedStack.notCaptured] : stack.frames.reversed().map(ExportedStack.name(of:))
            let key = ([stack.lock.name] + names).map(Self.sanitized).joined(separator: ";")
            weights[key] = (weights[key] ?? 0).addingClamped(stack.delayNanoseconds)
        }
        return weights.keys.sorted().map { "\($0) \(weights[$0]!)\n" }.joined()
    }

    /// A frame name without the characters the format uses: `;` separates frames and the last
    /// space separates the weight, newlines separate lines.
    static func sanitized(_ name: String) -> String {
        String(name.map { $0 == ";" ? ":" : ($0 == "\n" ? " " : $0) })
    }
}

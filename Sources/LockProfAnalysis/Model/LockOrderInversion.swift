/// A cycle in the lock-order graph: locks that some threads took in one order and others in
/// another, so that they can deadlock — whether or not the recorded run did.
///
/// `locks` is the cycle in order (`["a", "b"]`: a was held while b was taken, and b while a was
/// taken); `edges[i]` is the acquisition of `locks[(i + 1) % n]` while holding `locks[i]`, with
/// the stack that did it.
public struct LockOrderInversion: Equatable, Sendable {
    /// Lock names in cycle order, starting with the smallest name.
    public var locks: [String]
    /// One edge per lock of the cycle: `edges[i].held == locks[i]`.
    public var edges: [LockOrderEdge]

    /// The cycle through `locks`, one edge per lock.
    public init(locks: [String], edges: [LockOrderEdge]) {
        self.locks = locks
        self.edges = edges
    }

    /// `a → b → a`
    public var description: String { (locks + locks.prefix(1)).joined(separator: " → ") }
}

/// One edge of the lock-order graph: `acquired` was taken while `held` was held.
public struct LockOrderEdge: Equatable, Sendable {
    /// The name of the lock already held.
    public var held: String
    /// The name of the lock being acquired.
    public var acquired: String
    /// The process the acquisition was recorded in (its pid).
    public var process: Int32
    /// The acquiring thread's id in that process's trace.
    public var threadID: UInt32
    /// The acquiring stack, innermost first (trimmed like every stack); empty when not captured.
    public var stack: [FrameReport]

    /// `acquired` taken while holding `held`, by a thread of process `process`.
    public init(held: String, acquired: String, process: Int32, threadID: UInt32, stack: [FrameReport]) {
        self.held = held
        self.acquired = acquired
        self.process = process
        self.threadID = threadID
        self.stack = stack
    }
}

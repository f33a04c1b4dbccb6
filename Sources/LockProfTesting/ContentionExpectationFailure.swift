/// A contention expectation that did not hold. Thrown from a test, it fails the test with
/// `description`: the reason and the offending lock's report table and stacks.
public struct ContentionExpectationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reason and the offending locks' report table.
    public var description: String

    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}

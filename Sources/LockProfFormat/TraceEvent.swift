/// One `contention` or `release` record: the events that make up nearly all of a trace.
///
/// ``TraceReader/read(path:events:records:)`` hands them to its caller in runs, as values with
/// no reference-counted parts, so an analysis can sum millions of them without building a
/// ``TraceRecord`` (an enum whose other cases carry strings and arrays) for each one.
///
/// ```swift
/// for event in run {
///     if case .contention(let wait) = event { total += wait.waitNanoseconds }
/// }
/// ```
public enum TraceEvent: Equatable, Sendable {
    /// An acquisition that had to wait.
    case contention(ContentionRecord)
    /// A release that left waiters behind.
    case release(ReleaseRecord)

    /// The same event as a ``TraceRecord``, as ``TraceReader/read(path:_:)`` hands it out.
    @inlinable
    public var record: TraceRecord {
        switch self {
        case .contention(let contention): .contention(contention)
        case .release(let release): .release(release)
        }
    }
}

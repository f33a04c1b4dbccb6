import LockProfFormat

/// A raw log's trace as ``PreloadTraceConverter`` writes it: the records before the events, the
/// events in time order, the records after them.
///
/// The events, millions for a program run for a minute, are kept as their two plain record types
/// and become ``TraceRecord`` values one at a time as the trace is iterated (written), never all
/// at once.
struct ConvertedTrace: Sequence {
    /// A contention or a release, with the trace's ids.
    enum Event {
        case release(ReleaseRecord)
        case contention(ContentionRecord)

        var record: TraceRecord {
            switch self {
            case .release(let release): .release(release)
            case .contention(let contention): .contention(contention)
            }
        }
    }

    /// Process, modules, threads, locks, stacks and lock order.
    var leading: [TraceRecord]
    var events: [Event]
    /// Lock statistics, symbols and the end (or a checkpoint).
    var trailing: [TraceRecord]

    /// The records in the order they are written.
    struct Iterator: IteratorProtocol {
        let trace: ConvertedTrace
        var index = 0

        mutating func next() -> TraceRecord? {
            defer { index += 1 }
            if index < trace.leading.count { return trace.leading[index] }
            let event = index - trace.leading.count
            if event < trace.events.count { return trace.events[event].record }
            let trailing = event - trace.events.count
            return trailing < trace.trailing.count ? trace.trailing[trailing] : nil
        }
    }

    func makeIterator() -> Iterator { Iterator(trace: self) }

    var underestimatedCount: Int { leading.count + events.count + trailing.count }
}

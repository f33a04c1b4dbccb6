/// The kind of problem a flagged lock has, from a fixed vocabulary (docs/report-schema.md,
/// `diagnosis`): each names what to change, so the report answers "what do I do about it?".
public enum DiagnosisPattern: String, CaseIterable, Equatable, Sendable {
    /// Many short holds by several threads: the lock itself is the bottleneck.
    case hotLock = "hot-lock"
    /// Holds long compared with the waits they cause, the holder running on the CPU.
    case longCriticalSection = "long-critical-section"
    /// Holds long, the holder off the CPU while holding (sleep, I/O, another lock, a condition).
    case blockingUnderLock = "blocking-under-lock"
    /// Holds long, but the holder's CPU time was not measured, so computing and blocking cannot
    /// be told apart (traces written before the CPU clock was recorded).
    case longHold = "long-hold"
    /// A semaphore whose permits are all taken most of the time.
    case saturatedPermits = "saturated-permits"
    /// A reader-writer lock whose readers wait behind writers.
    case writersBlockReaders = "writers-block-readers"
    /// Waits dominated by wake-up and scheduling: waits far longer than the holds they wait for.
    case oversubscribed

    /// What to change, one sentence.
    public var advice: String {
        switch self {
        case .hotLock:
            "shard the data by thread or key, stripe the lock, or use an atomic for a plain counter"
        case .longCriticalSection:
            "move the computation out of the lock, or copy the data under the lock and compute outside it"
        case .blockingUnderLock:
            "move the blocking call (sleep, I/O, waiting on another lock or a condition) out of the critical section"
        case .longHold:
            "shorten the critical section: move computation and any blocking call (sleep, I/O) out of the lock"
        case .saturatedPermits:
            "add permits (size the pool to the demand) or hold each permit for less time"
        case .writersBlockReaders:
            "make writes shorter, or publish copies (copy-on-write) so readers never wait for a writer"
        case .oversubscribed:
            "use fewer threads than cores on this lock, or let waiters spin briefly before sleeping"
        }
    }
}

@_exported import enum LockProfFormat.LockKind
@_exported import struct LockProfFormat.LockCounters
@_exported import enum LockProfFormat.LockCounter

/// One lock's counters at the moment of ``LockProfiler/snapshot()``: what a test asserts on.
///
/// The counters are read by name as if they were the snapshot's own properties
/// (`snapshot.acquisitions`, `snapshot.contendedAcquisitions`, `snapshot.waitHistogram`…), or by
/// case (`snapshot.counters[.acquisitions]`); ``LockCounter`` says what each one means. Counts
/// (`acquisitions`, `contendedAcquisitions`, `failedTryLocks`, `timeouts`) are exact and kept
/// from the lock's creation whether or not recording is on. Times (waits, holds) are kept only
/// while recording, because measuring them needs the clock.
@dynamicMemberLookup
public struct LockSnapshot: Sendable, Equatable {
    /// The lock's process-unique id (the `lockID` of its trace records).
    public var lockID: UInt32
    /// The name given at creation, or the creation site.
    public var name: String
    /// Where the lock was created, `Module/File.swift:42`.
    public var site: String
    /// What kind of lock it is (mutex, recursive, reader-writer, condition, semaphore).
    public var kind: LockKind
    /// The lock's counters and wait histogram, since its creation.
    public var counters: LockCounters

    /// A counter (or the histogram) by name, as ``counters`` has it.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<LockCounters, Value>) -> Value {
        get { counters[keyPath: keyPath] }
        set { counters[keyPath: keyPath] = newValue }
    }
}

extension LockSnapshot {
    init(_ identity: LockIdentity, _ counters: LockCounters) {
        self.init(lockID: identity.lockID, name: identity.name, site: identity.site, kind: identity.kind, counters: counters)
    }
}

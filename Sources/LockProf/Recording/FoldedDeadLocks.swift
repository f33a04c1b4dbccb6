import LockProfFormat

/// The final counters of dead locks of one creation site, summed into one entry: what a registry
/// shard keeps instead of one entry per lock once its list of dead locks is full
/// (``LockRegistry``, "Dead locks" in docs/design.md), and what the collector keeps, per site,
/// for the whole session. Memory then follows the number of creation sites, not the churn.
///
/// Only locks whose counts the trace has never seen under their own id are folded (never read
/// for a baseline, a checkpoint, a snapshot or an event's `lock` record: not pinned), so the sum
/// counts each acquisition once. The entry is named by its first lock: its id, kind, site and,
/// while a shard has fewer than ``LockRegistry/foldedNamesLimit`` entries, its given name.
struct FoldedDeadLocks {
    /// What locks must share to be folded together: creation site, kind and given name (nil once
    /// a shard has too many names: then all locks of a site and kind share one entry, named by
    /// the site, so a program naming every lock differently still has a bounded table).
    struct Site: Hashable {
        /// The `#fileID`'s address (or its one scalar): a site's locks share the static string.
        let file: UInt
        let line: UInt32
        let kind: LockKind
        let givenName: String?
    }

    let site: Site
    /// The first folded lock's identity: its id names the entry in the trace.
    let identity: LockIdentity
    /// The folded locks' final counters, summed (``LockCounters/merged(with:)``).
    private(set) var counters: LockCounters
    /// How many dead locks were folded in.
    private(set) var locks: UInt64

    /// The entry of one dead lock, `identity`, with its final `counters`; keyed by name when
    /// `keepingName`, else by site and kind only.
    init(identity: LockIdentity, counters: LockCounters, keepingName: Bool) {
        let file =
            identity.fileID.hasPointerRepresentation
            ? UInt(bitPattern: identity.fileID.utf8Start) : UInt(identity.fileID.unicodeScalar.value)
        let name = keepingName ? identity.givenName : nil
        site = Site(file: file, line: identity.line, kind: identity.kind, givenName: name)
        self.identity = LockIdentity(
            lockID: identity.lockID, kind: identity.kind, givenName: name, fileID: identity.fileID, line: UInt(identity.line))
        self.counters = counters
        locks = 1
    }

    /// Folds in another entry of the same site (`other.site == site`).
    mutating func add(_ other: FoldedDeadLocks) {
        counters = counters.merged(with: other.counters)
        locks += other.locks
    }
}

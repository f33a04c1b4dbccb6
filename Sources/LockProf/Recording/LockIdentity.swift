import LockProfFormat

/// What identifies a lock in snapshots and traces: its id, kind, and name or creation site.
///
/// The default name is the creation site, `Module/File.swift:42`. It is kept as the
/// `StaticString` `#fileID` and the line the initializer received — two words and no allocation
/// per lock — and formatted only when a snapshot, a report or a trace asks for it.
///
/// The stored properties are declared widest first, so the struct packs into 44 bytes.
struct LockIdentity: Sendable {
    /// The name given at creation, or nil: the creation site names the lock.
    let givenName: String?
    let fileID: StaticString
    let kind: LockKind
    let lockID: UInt32
    /// The creation site's line (a `#line` fits in 32 bits).
    let line: UInt32

    init(lockID: UInt32, kind: LockKind, givenName: String?, fileID: StaticString, line: UInt) {
        self.givenName = givenName
        self.fileID = fileID
        self.kind = kind
        self.lockID = lockID
        self.line = UInt32(truncatingIfNeeded: line)
    }

    /// Where the lock was created, `Module/File.swift:42`.
    var site: String { "\(fileID):\(line)" }

    /// How reports name the lock: the given name, else its creation site.
    var name: String { givenName ?? site }
}

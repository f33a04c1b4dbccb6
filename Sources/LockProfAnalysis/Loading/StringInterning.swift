import LockProfFormat

/// One copy of each lock name and creation site the loader meets, shared by every lock record
/// that has it.
///
/// The reader decodes each `lock` record's strings into storage of their own; a trace of a
/// million locks created at one site would keep two million copies of the same two strings.
/// Interned, each lock holds a reference to the one copy, and comparing two of them for
/// equality finds the same storage first.
///
/// ```swift
/// var interning = StringInterning()
/// let record = interning.interned(lockRecord)
/// ```
struct StringInterning {
    private var strings: Set<String> = []

    /// `string`, or the equal string met before it.
    mutating func interned(_ string: String) -> String {
        strings.insert(string).memberAfterInsert
    }

    /// `record` with its name and site interned.
    mutating func interned(_ record: LockRecord) -> LockRecord {
        var record = record
        record.name = interned(record.name)
        record.site = interned(record.site)
        return record
    }
}

/// Values by lock id, for the ids of one process: what ``ProcessTrace`` keeps its `lock` and
/// `lockStatistics` records in. Reads like a `[UInt32: Value]` (subscript by id, `count`,
/// `keys`, `values`, a collection of `(key, value)` pairs in no promised order), but finds an id
/// without hashing: a process's lock ids are dense within each of their 8 residues (the runtime
/// numbers each shard's locks from 1 and puts the shard in the id's low 3 bits: a one-thread
/// program's ids are one in eight of the numbers, a preloaded program's every number), so one
/// array per residue, indexed by `id >> 3`, holds each id's position among the values, and the
/// values sit one after the other in another array. No rehash as a million locks are added, and
/// 4 bytes per id instead of a hash table's two buckets per lock (docs/performance.md, "A million
/// locks").
///
/// An id far beyond what the values held would need (a damaged or hostile trace) goes to a
/// dictionary instead, so the index stays proportional to the values held.
///
/// ```swift
/// var locks: LockIDTable<LockRecord> = [:]
/// locks[7] = record
/// for (lockID, record) in locks { print(lockID, record.name) }
/// ```
public struct LockIDTable<Value>: Collection {
    /// One id and its value.
    public typealias Element = (key: UInt32, value: Value)

    /// The ids and values, in the order the ids were first given a value (a removal moves the
    /// last one into the gap).
    private var entries: [Element] = []
    /// Indexed by residue (`id & 7`), then by `id >> 3`: the id's position in `entries` plus 1; 0
    /// for an id not held (or held in `farPositions`).
    private var positions = [[UInt32]](repeating: [], count: 8)
    /// The positions in `entries` of the ids that were too large for `positions`.
    private var farPositions: [UInt32: Int] = [:]

    /// An empty table.
    public init() {}

    /// An id gets a slot in its residue's `positions` when `id >> 3` is below this many times the
    /// count, plus ``indexSlack``: twice what dense numbering needs.
    static var indexSpread: Int { 2 }
    /// See ``indexSpread``.
    static var indexSlack: Int { 512 }

    /// A position among the entries: its own type, as `Dictionary`'s, so that `table[7]` is the
    /// value of id 7, never the eighth entry.
    public struct Index: Comparable, Sendable {
        fileprivate var offset: Int

        /// Whether `a` comes before `b`.
        public static func < (a: Index, b: Index) -> Bool { a.offset < b.offset }
    }

    /// The position of the first entry.
    public var startIndex: Index { Index(offset: 0) }
    /// The position after the last entry.
    public var endIndex: Index { Index(offset: entries.count) }
    /// The position after `position`.
    public func index(after position: Index) -> Index { Index(offset: position.offset + 1) }
    /// The entry at `position`.
    public subscript(position: Index) -> Element { entries[position.offset] }
    /// How many ids hold a value.
    public var count: Int { entries.count }
    /// Whether no id holds a value.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value of `id`, nil when it has none; setting nil removes it.
    public subscript(id: UInt32) -> Value? {
        get { position(of: id).map { entries[$0].value } }
        set {
            switch (position(of: id), newValue) {
            case (let position?, let value?): entries[position].value = value
            case (let position?, nil): remove(at: position)
            case (nil, let value?): append(id, value)
            case (nil, nil): break
            }
        }
    }

    /// The value of `id`, `defaultValue` when it has none (as `Dictionary`'s subscript).
    public subscript(id: UInt32, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[id] ?? defaultValue() }
        set { self[id] = newValue }
    }

    /// Every id that holds a value.
    public var keys: [UInt32] { entries.map(\.key) }

    /// Every value.
    public var values: [Value] { entries.map(\.value) }

    /// How many ids the index has a slot for (what a hostile id must not make large).
    var indexedIDs: Int { positions.reduce(0) { $0 + $1.count } }

    /// Adds the values of `other`, `combine` choosing between two values of one id (as
    /// `Dictionary.merge(_:uniquingKeysWith:)`).
    public mutating func merge(_ other: LockIDTable<Value>, uniquingKeysWith combine: (Value, Value) -> Value) {
        for (id, value) in other { self[id] = self[id].map { combine($0, value) } ?? value }
    }

    /// Where `id`'s entry is, nil when it has none.
    private func position(of id: UInt32) -> Int? {
        let residue = Int(id & 7)
        let index = Int(id >> 3)
        if index < positions[residue].count, positions[residue][index] != 0 { return Int(positions[residue][index]) - 1 }
        return farPositions.isEmpty ? nil : farPositions[id]
    }

    /// Records that `id`'s entry is at `position`, nil for none. An id keeps the place it was
    /// first given (`positions` or `farPositions`), so a look-up finds it in one of the two.
    private mutating func setPosition(_ position: Int?, of id: UInt32) {
        let residue = Int(id & 7)
        let index = Int(id >> 3)
        if index < positions[residue].count, positions[residue][index] != 0 || farPositions[id] == nil {
            positions[residue][index] = position.map { UInt32($0 + 1) } ?? 0
        } else if let position, farPositions[id] == nil, index < Self.indexSpread * entries.count + Self.indexSlack {
            positions[residue].append(contentsOf: repeatElement(0, count: index + 1 - positions[residue].count))
            positions[residue][index] = UInt32(position + 1)
        } else {
            farPositions[id] = position
        }
    }

    private mutating func append(_ id: UInt32, _ value: Value) {
        setPosition(entries.count, of: id)
        entries.append((id, value))
    }

    /// Removes the entry at `position`, the last one taking its place.
    private mutating func remove(at position: Int) {
        let removed = entries[position].key
        let last = entries.count - 1
        if position != last {
            entries[position] = entries[last]
            setPosition(position, of: entries[position].key)
        }
        entries.removeLast()
        setPosition(nil, of: removed)
    }
}

extension LockIDTable: ExpressibleByDictionaryLiteral {
    /// A table holding these values (each id once, as in a dictionary literal).
    public init(dictionaryLiteral elements: (UInt32, Value)...) {
        for (id, value) in elements { self[id] = value }
    }
}

extension LockIDTable: Equatable where Value: Equatable {
    /// Whether both hold the same ids with equal values, in whatever order.
    public static func == (a: LockIDTable<Value>, b: LockIDTable<Value>) -> Bool {
        a.count == b.count && a.allSatisfy { b[$0.key] == $0.value }
    }
}

extension LockIDTable: Sendable where Value: Sendable {}

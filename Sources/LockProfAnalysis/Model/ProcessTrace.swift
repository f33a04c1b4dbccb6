import LockProfFormat

/// Everything the report needs from the trace(s) of one process, accumulated record by record so
/// memory grows with the number of locks, threads and stacks, never with the number of events.
///
/// Build one per trace file with ``add(_:)`` (``TraceLoader`` does, while streaming), then merge
/// the ones of the same process with ``merge(_:)``.
///
/// ```swift
/// var trace = ProcessTrace(files: ["trace.bin"])
/// for record in records { trace.add(record) }
/// ```
public struct ProcessTrace: Equatable, Sendable {
    /// The trace files this process was read from.
    public var files: [String]
    /// The `process` record; nil when the chunk that held it was lost.
    public var process: ProcessRecord?
    /// Threads by id, as their `thread` records named them.
    public var threads: [UInt32: ThreadRecord] = [:]
    /// Locks by id: name, kind and creation site (in an array by id: ``LockIDTable``).
    public var locks: LockIDTable<LockRecord> = [:]
    /// Loaded binaries by id, which frames are offsets into.
    public var modules: [UInt32: ModuleRecord] = [:]
    /// Stacks by id, innermost frame first.
    public var stacks: [UInt32: [Frame]] = [:]
    /// Function, file and line of each frame the runtime resolved when the session ended.
    public var symbols: [Frame: SymbolRecord] = [:]
    /// The latest cumulative counters of each lock (in an array by id: ``LockIDTable``).
    public var statistics: LockIDTable<LockStatisticsRecord> = [:]
    /// What each lock's events add up to.
    public var events: [UInt32: LockEventTally] = [:]
    /// Lock-order edges (`held → acquired`), the first record of each pair.
    public var lockOrders: [LockOrderRecord] = []
    /// The (held, acquired) pairs in `lockOrders`, packed as `held << 32 | acquired`.
    private var lockOrderPairs: Set<UInt64> = []
    /// Deadlocks the runtime's watchdog saw while the program ran, in trace order.
    public var deadlocks: [DeadlockRecord] = []
    /// Waits the runtime's watchdog saw stuck past the stall limit, in trace order.
    public var stalls: [StallRecord] = []
    /// The latest cumulative drop count of each thread.
    public var drops: [UInt32: UInt64] = [:]
    /// The latest cumulative count of dead locks folded into each lock's entry (``FoldedLocksRecord``).
    public var foldedLocks: [UInt32: UInt64] = [:]
    /// The earliest checkpoint or event time seen; stands in for the start when `process` is lost.
    public var firstTimeNanoseconds: UInt64?
    /// The latest checkpoint or event time seen.
    public var lastTimeNanoseconds: UInt64?
    /// When recording ended normally; nil for a trace that was cut short.
    public var endNanoseconds: UInt64?
    /// Files of this process that have no `end` record (so far, while records are being added).
    public var filesWithoutEnd: [String]
    /// Damage the reader found, with the file it was found in.
    public var damage: [FileDamage] = []

    /// An empty trace of the process recorded in `files` (usually one file; ``merge(_:)`` joins more).
    public init(files: [String]) {
        self.files = files
        self.filesWithoutEnd = files
    }

    /// Takes one record into account.
    public mutating func add(_ record: TraceRecord) {
        switch record {
        case .process(let process):
            if self.process == nil { self.process = process }
        case .thread(let thread):
            if !Self.define(thread, id: thread.threadID, in: &threads) { conflict(record: "thread", id: thread.threadID) }
        case .lock(let lock):
            if !Self.keepFirst(lock, in: &locks[lock.lockID]) { conflict(record: "lock", id: lock.lockID) }
        case .module(let module):
            if !Self.define(module, id: module.moduleID, in: &modules) { conflict(record: "module", id: module.moduleID) }
        case .stack(let stack):
            if !Self.define(stack.frames, id: stack.stackID, in: &stacks) { conflict(record: "stack", id: stack.stackID) }
        case .symbol(let symbol):
            symbols[symbol.frame] = symbol
        case .contention(let contention):
            events[contention.lockID, default: LockEventTally()].add(contention)
            see(time: contention.timeNanoseconds)
        case .release(let release):
            events[release.lockID, default: LockEventTally()].add(release)
            see(time: release.timeNanoseconds)
        case .lockStatistics(let counters):
            statistics[counters.lockID] = counters
        case .drops(let drops):
            self.drops[drops.threadID] = drops.droppedEvents
        case .foldedLocks(let folded):
            foldedLocks[folded.lockID] = folded.foldedLocks
        case .checkpoint(let checkpoint):
            see(time: checkpoint.timeNanoseconds)
        case .end(let end):
            endNanoseconds = max(endNanoseconds ?? 0, end.timeNanoseconds)
            filesWithoutEnd = []
            see(time: end.timeNanoseconds)
        case .lockOrder(let order):
            addLockOrder(order)
        case .deadlock(let deadlock):
            deadlocks.append(deadlock)
            see(time: deadlock.timeNanoseconds)
        case .stall(let stall):
            stalls.append(stall)
            see(time: stall.timeNanoseconds)
        }
    }

    /// Keeps the first record of each (held, acquired) pair.
    mutating func addLockOrder(_ order: LockOrderRecord) {
        let pair = UInt64(order.heldLockID) << 32 | UInt64(order.acquiredLockID)
        guard lockOrderPairs.insert(pair).inserted else { return }
        lockOrders.append(order)
    }

    /// Keeps the first definition of an id. A second one with other contents is damage (the
    /// writer defines each id once); the first few are listed, so a hostile file cannot make the
    /// report list one per record.
    /// Returns false when `id` already has a different definition.
    private static func define<Value: Equatable>(_ value: Value, id: UInt32, in table: inout [UInt32: Value]) -> Bool {
        keepFirst(value, in: &table[id])  // one hash look-up, not two: a trace may define a million locks
    }

    private static func keepFirst<Value: Equatable>(_ value: Value, in entry: inout Value?) -> Bool {
        guard let existing = entry else {
            entry = value
            return true
        }
        return existing == value
    }

    private mutating func conflict(record: String, id: UInt32) {
        let listed = damage.count { if case .conflictingDefinition = $0.damage { true } else { false } }
        guard listed < Self.listedConflicts else { return }
        damage.append(FileDamage(path: files.first ?? "", damage: .conflictingDefinition(record: record, id: id)))
    }

    static let listedConflicts = 5

    private mutating func see(time: UInt64) {
        firstTimeNanoseconds = min(firstTimeNanoseconds ?? time, time)
        lastTimeNanoseconds = max(lastTimeNanoseconds ?? time, time)
    }

    /// Whether recording ended normally in every file of this process.
    public var endedNormally: Bool { endNanoseconds != nil && filesWithoutEnd.isEmpty }

    /// The process id, or 0 when the `process` record was lost.
    public var pid: Int32 { process?.pid ?? 0 }
}

/// Damage the reader found in one file.
public struct FileDamage: Equatable, Sendable {
    /// The file the damage was found in.
    public var path: String
    /// What was damaged, as the reader found it.
    public var damage: TraceDamage

    /// `damage` found in the file at `path`.
    public init(path: String, damage: TraceDamage) {
        self.path = path
        self.damage = damage
    }
}

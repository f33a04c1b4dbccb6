import LockProfFormat

extension ProcessTrace {
    /// Whether `other` was recorded by the same process: same pid and same recording start.
    /// Traces whose `process` record was lost are never the same as another.
    public func isSameProcess(as other: ProcessTrace) -> Bool {
        guard let mine = process, let theirs = other.process else { return false }
        return mine.pid == theirs.pid && mine.startWallNanoseconds == theirs.startWallNanoseconds
    }

    /// Adds the trace of another file of the same process. Ids are shared within a process, so
    /// lock 3 here and lock 3 there are one lock: cumulative counters keep the furthest along,
    /// event tallies add up.
    public mutating func merge(_ other: ProcessTrace) {
        files += other.files
        if process == nil { process = other.process }
        threads.merge(other.threads) { mine, _ in mine }
        locks.merge(other.locks) { mine, _ in mine }
        modules.merge(other.modules) { mine, _ in mine }
        stacks.merge(other.stacks) { mine, _ in mine }
        symbols.merge(other.symbols) { mine, _ in mine }
        statistics.merge(other.statistics) { mine, theirs in Self.furtherAlong(mine, theirs) }
        events.merge(other.events) { mine, theirs in
            var sum = mine
            sum.merge(theirs)
            return sum
        }
        drops.merge(other.drops) { max($0, $1) }
        foldedLocks.merge(other.foldedLocks) { max($0, $1) }
        for order in other.lockOrders { addLockOrder(order) }
        deadlocks += other.deadlocks
        stalls += other.stalls
        firstTimeNanoseconds = [firstTimeNanoseconds, other.firstTimeNanoseconds].compactMap { $0 }.min()
        lastTimeNanoseconds = [lastTimeNanoseconds, other.lastTimeNanoseconds].compactMap { $0 }.max()
        endNanoseconds = [endNanoseconds, other.endNanoseconds].compactMap { $0 }.max()
        filesWithoutEnd += other.filesWithoutEnd
        damage += other.damage
    }

    /// Of two cumulative snapshots of one lock's counters, the later one. Counters only grow, so
    /// the later snapshot is the one further along.
    static func furtherAlong(_ a: LockStatisticsRecord, _ b: LockStatisticsRecord) -> LockStatisticsRecord {
        let keyA = (a.acquisitions, a.contendedAcquisitions, a.timeouts, a.waitNanoseconds, a.sampledHolds)
        let keyB = (b.acquisitions, b.contendedAcquisitions, b.timeouts, b.waitNanoseconds, b.sampledHolds)
        return keyB > keyA ? b : a
    }

    /// Groups per-file traces into processes, merging files of the same process, in the order the
    /// processes were first met.
    public static func mergingSameProcesses(_ traces: [ProcessTrace]) -> [ProcessTrace] {
        var merged: [ProcessTrace] = []
        for trace in traces {
            if let index = merged.firstIndex(where: { $0.isSameProcess(as: trace) }) {
                merged[index].merge(trace)
            } else {
                merged.append(trace)
            }
        }
        return merged
    }
}

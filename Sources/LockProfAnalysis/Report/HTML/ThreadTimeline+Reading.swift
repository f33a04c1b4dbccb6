import LockProfFormat

extension ThreadTimeline {
    /// Reads the `contention` and `release` events of `paths` (the traces `report` was made of)
    /// into bins, for the busiest locks of `report` (``busiestLocks(of:)``).
    ///
    /// A second pass over the files, on the reader's fast event path: per event two array look-ups
    /// and one or a few additions, memory `rows × locks × 2 × binCount` counters. Times are from
    /// each process's recording start, several processes aligned by their wall-clock starts, as
    /// the report's runtime is.
    public static func read(paths: [String], report: ContentionReport, binCount: Int = defaultBinCount) throws(AnalysisError) -> ThreadTimeline {
        let multipleProcesses = report.processes.count > 1
        let chosen = busiestLocks(of: report)
        var builder = Builder(
            locks: chosen.map {
                Lock(name: ContentionAnalysis.displayName($0, multipleProcesses: multipleProcesses), process: $0.process, lockID: $0.lockID)
            },
            binCount: max(binCount, 1), runtimeNanoseconds: report.runtimeNanoseconds,
            earliestWallNanoseconds: report.processes.compactMap(\.startWallNanoseconds).min())
        guard !chosen.isEmpty else { return builder.timeline() }
        var seen: Set<String> = []
        for path in paths where seen.insert(path).inserted {
            builder.startFile()
            _ = try TraceLoader.checked(path: path) {
                try TraceReader.read(path: path, events: { builder.add($0) }, records: { builder.add($0) })
            }
        }
        return builder.timeline()
    }

    /// The bins while the files are read.
    struct Builder {
        let locks: [Lock]
        let binCount: Int
        let runtimeNanoseconds: UInt64
        let earliestWallNanoseconds: UInt64?
        let binsPerNanosecond: Double

        /// Rows by (pid, trace thread id), and their names once seen.
        var rowIndex: [UInt64: Int] = [:]
        var rows: [Row] = []
        var threadNames: [UInt64: String] = [:]
        var bins: [UInt64] = []
        var totals: [Total] = []

        /// The process being read: its pid, its monotonic start, its offset on the common axis.
        var pid: Int32 = 0
        var origin: UInt64?
        var shift: UInt64 = 0
        /// Indexed by lock id: its position in `locks`, or -1 when not drawn (this process).
        var slotOfLock: [Int] = []
        /// Indexed by thread id (below 65 536): its row + 1, 0 when it has none yet.
        var rowOfThread: [Int] = []

        init(locks: [Lock], binCount: Int, runtimeNanoseconds: UInt64, earliestWallNanoseconds: UInt64?) {
            self.locks = locks
            self.binCount = binCount
            self.runtimeNanoseconds = runtimeNanoseconds
            self.earliestWallNanoseconds = earliestWallNanoseconds
            binsPerNanosecond = Double(binCount) / Double(max(runtimeNanoseconds, 1))
            enter(process: 0, origin: nil, shift: 0)
        }

        /// A new file: until its `process` record says otherwise, an unknown process.
        mutating func startFile() { enter(process: 0, origin: nil, shift: 0) }

        private mutating func enter(process: Int32, origin: UInt64?, shift: UInt64) {
            pid = process
            self.origin = origin
            self.shift = shift
            let mine = locks.enumerated().filter { $0.element.process == process }
            slotOfLock = [Int](repeating: -1, count: Int(mine.map(\.element.lockID).max() ?? 0) + 1)
            for (slot, lock) in mine { slotOfLock[Int(lock.lockID)] = slot }
            rowOfThread = []
        }

        mutating func add(_ record: TraceRecord) {
            switch record {
            case .process(let process):
                let shift = earliestWallNanoseconds.map { process.startWallNanoseconds &- min($0, process.startWallNanoseconds) } ?? 0
                enter(process: process.pid, origin: process.startNanoseconds, shift: shift)
            case .thread(let thread):
                threadNames[Self.key(pid, thread.threadID)] =
                    thread.name.isEmpty ? "thread \(thread.systemThreadID)" : "\(thread.name) (\(thread.systemThreadID))"
            default: break
            }
        }

        mutating func add(_ run: ArraySlice<TraceEvent>) {
            for event in run {
                switch event {
                case .contention(let wait):
                    add(lock: wait.lockID, thread: wait.threadID, lane: .wait, end: wait.timeNanoseconds, duration: wait.waitNanoseconds)
                case .release(let hold):
                    add(lock: hold.lockID, thread: hold.threadID, lane: .hold, end: hold.timeNanoseconds, duration: hold.holdNanoseconds)
                }
            }
        }

        @inline(__always)
        private mutating func add(lock lockID: UInt32, thread threadID: UInt32, lane: Lane, end: UInt64, duration: UInt64) {
            guard Int(lockID) < slotOfLock.count else { return }
            let slot = slotOfLock[Int(lockID)]
            guard slot >= 0 else { return }
            let row = row(of: threadID)
            let start = end &- min(duration, end)
            if origin == nil { origin = start }
            let from = Double((start &- min(origin!, start)) &+ shift) * binsPerNanosecond
            let to = Double((end &- min(origin!, end)) &+ shift) * binsPerNanosecond
            let cell = ((row * locks.count + slot) * 2 + lane.rawValue)
            totals[cell].events += 1
            totals[cell].nanoseconds = totals[cell].nanoseconds.addingClamped(duration)
            let base = cell * binCount
            let last = Double(binCount)
            let first = min(Int(from), binCount - 1)
            let final = min(Int(to), binCount - 1)
            if first == final {
                bins[base + first] = bins[base + first].addingClamped(duration)
                return
            }
            // Spread the slice over the bins it covers, each getting its overlap.
            let nanosecondsPerBin = 1 / binsPerNanosecond
            for bin in first...final {
                let overlap = min(to, min(Double(bin + 1), last)) - max(from, Double(bin))
                if overlap > 0 { bins[base + bin] = bins[base + bin].addingClamped(UInt64(overlap * nanosecondsPerBin)) }
            }
        }

        /// The row of `threadID` in the current process, made on its first event.
        @inline(__always)
        private mutating func row(of threadID: UInt32) -> Int {
            if Int(threadID) < rowOfThread.count, rowOfThread[Int(threadID)] > 0 { return rowOfThread[Int(threadID)] - 1 }
            let key = Self.key(pid, threadID)
            let row: Int
            if let known = rowIndex[key] {
                row = known
            } else {
                row = rows.count
                rowIndex[key] = row
                rows.append(Row(process: pid, threadID: threadID, name: ""))
                bins += [UInt64](repeating: 0, count: locks.count * 2 * binCount)
                totals += [Total](repeating: Total(), count: locks.count * 2)
            }
            if threadID < 1 << 16 {
                if Int(threadID) >= rowOfThread.count { rowOfThread += [Int](repeating: 0, count: Int(threadID) + 1 - rowOfThread.count) }
                rowOfThread[Int(threadID)] = row + 1
            }
            return row
        }

        static func key(_ pid: Int32, _ threadID: UInt32) -> UInt64 { UInt64(UInt32(bitPattern: pid)) << 32 | UInt64(threadID) }

        /// The timeline read so far, its rows named.
        func timeline() -> ThreadTimeline {
            var named = rows
            for index in named.indices {
                named[index].name = threadNames[Self.key(named[index].process, named[index].threadID)] ?? "thread #\(named[index].threadID)"
            }
            return ThreadTimeline(runtimeNanoseconds: runtimeNanoseconds, binCount: binCount, locks: locks, rows: named, bins: bins, totals: totals)
        }
    }
}

import LockProfFormat

/// The lock-order graph of the merged traces, and every cycle in it.
///
/// Nodes are lock **names**, not instances: a name defaults to the creation site, so this is the
/// "lock class" view of lockdep, and it joins the traces of several processes (two runs of one
/// program that took a and b in opposite orders form a cycle). An edge between two locks of the
/// same name (two instances created at one site, nested) is left out: the names cannot tell them
/// apart. Each edge keeps the first acquisition recorded for it (processes in the order given).
package struct LockOrderGraph: Sendable {
    /// Edges by held name, then acquired name.
    package private(set) var edges: [String: [String: LockOrderEdge]] = [:]

    /// At most this many cycles are reported; a graph with more says so in a note.
    package static let maximumCycles = 1000

    /// The graph of `processes`' lock-order records.
    package init(processes: [ProcessTrace]) {
        for trace in processes {
            let symbolizer = Symbolizer(trace: trace)
            for order in trace.lockOrders {
                let held = name(of: order.heldLockID, in: trace)
                let acquired = name(of: order.acquiredLockID, in: trace)
                guard held != acquired, edges[held]?[acquired] == nil else { continue }
                edges[held, default: [:]][acquired] = LockOrderEdge(
                    held: held, acquired: acquired, process: trace.pid, threadID: order.threadID,
                    stack: order.stackID == 0 ? [] : symbolizer.frames(ofStack: order.stackID))
            }
        }
    }

    private func name(of lockID: UInt32, in trace: ProcessTrace) -> String {
        LockStatistics.name(of: lockID, in: trace)
    }

    /// At most this many paths are extended in all; a graph that needs more says so in the same note.
    package static let maximumSearchSteps = 1_000_000

    /// Every chordless cycle, each once, starting at its smallest name; sorted by length, then
    /// names. Stops at ``maximumCycles``. See ``search()``.
    package func cycles() -> [LockOrderInversion] { search().cycles }

    /// Every chordless cycle (see ``cycles()``), and whether the search was complete (it stops at
    /// ``maximumCycles`` cycles or ``maximumSearchSteps`` paths).
    ///
    /// A cycle with a *chord* — an edge between two of its locks that are not next to each other
    /// in it — is left out: the chord and part of the cycle make a shorter cycle, which is listed
    /// (or left out for a shorter one still). So 32 shards always taken in index order plus one
    /// path that takes shard 31 and then shard 20 is one inversion, 20 ↔ 31, not the 1 024
    /// cycles through 20 … 31 that it implies. It also keeps the search polynomial on such graphs:
    /// a path is never extended to a lock that would give it a chord.
    package func search() -> (cycles: [LockOrderInversion], isComplete: Bool) {
        let names = Set(edges.keys).union(edges.values.flatMap(\.keys)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        // Locks by index (the sorted names' order), successors in name order.
        let successors: [[Int]] = names.map { name in (edges[name] ?? [:]).keys.map { index[$0]! }.sorted() }
        let successorSets: [Set<Int>] = successors.map(Set.init)
        var found: [LockOrderInversion] = []
        var steps = 0
        var complete = true
        // For each start, search only through larger names: each cycle is found once, from its
        // smallest member.
        for start in names.indices {
            var path = [start]
            func extend(_ node: Int) {
                // Back to the start: the cycle closes here; longer ones would have this edge as a chord.
                if node != start, successorSets[node].contains(start) {
                    found.append(inversion(along: path.map { names[$0] }))
                    return
                }
                for next in successors[node] where next > start {
                    guard found.count < Self.maximumCycles, steps < Self.maximumSearchSteps else {
                        complete = false
                        return
                    }
                    guard !path.contains(next), !makesChord(next, path, successorSets) else { continue }
                    steps += 1
                    path.append(next)
                    extend(next)
                    path.removeLast()
                }
            }
            extend(start)
            guard complete else { break }
        }
        let sorted = found.sorted {
            ($0.locks.count, $0.locks.joined(separator: "\u{0}")) < ($1.locks.count, $1.locks.joined(separator: "\u{0}"))
        }
        return (sorted, complete)
    }

    /// Whether appending `next` to `path` (whose last lock has an edge to `next`) gives every
    /// cycle through the extended path a chord: an edge into `next` from a lock before the last,
    /// or from `next` back to a lock of the path other than the start (an edge to the start
    /// closes the cycle instead).
    private func makesChord(_ next: Int, _ path: [Int], _ successors: [Set<Int>]) -> Bool {
        for position in path.indices {
            if position < path.count - 1, successors[path[position]].contains(next) { return true }
            if position > 0, successors[next].contains(path[position]) { return true }
        }
        return false
    }

    private func inversion(along path: [String]) -> LockOrderInversion {
        let edges = path.indices.map { position in
            self.edges[path[position]]![path[(position + 1) % path.count]]!
        }
        return LockOrderInversion(locks: path, edges: edges)
    }
}

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
        trace.locks[lockID]?.name ?? "lock #\(lockID)"
    }

    /// Every elementary cycle, each once, starting at its smallest name; sorted by length, then
    /// names. Stops at ``maximumCycles``.
    package func cycles() -> [LockOrderInversion] {
        let names = Set(edges.keys).union(edges.values.flatMap(\.keys)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var found: [LockOrderInversion] = []
        // For each start, search only through larger names: each cycle is found once, from its
        // smallest member.
        for start in names {
            guard found.count < Self.maximumCycles else { break }
            var path = [start]
            var onPath: Set<String> = [start]
            func extend(_ node: String) {
                for next in (edges[node] ?? [:]).keys.sorted() {
                    guard found.count < Self.maximumCycles else { return }
                    if next == start {
                        found.append(inversion(along: path))
                    } else if index[next]! > index[start]!, !onPath.contains(next) {
                        path.append(next)
                        onPath.insert(next)
                        extend(next)
                        onPath.remove(next)
                        path.removeLast()
                    }
                }
            }
            extend(start)
        }
        return found.sorted { ($0.locks.count, $0.locks.joined(separator: "\u{0}")) < ($1.locks.count, $1.locks.joined(separator: "\u{0}")) }
    }

    private func inversion(along path: [String]) -> LockOrderInversion {
        let edges = path.indices.map { position in
            self.edges[path[position]]![path[(position + 1) % path.count]]!
        }
        return LockOrderInversion(locks: path, edges: edges)
    }
}

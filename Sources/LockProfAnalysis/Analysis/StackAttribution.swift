/// Blames a lock's wait on stacks, scaling for waits whose stack was not captured.
///
/// The runtime captures stacks at a limited rate; an event without one carries stack id 0. The
/// captured events are taken as a sample of all of them: a stack's weight is its share of the
/// captured wait times the lock's total wait,
///
///     weight = wait of the stack ÷ wait of all events with a captured stack × lock's total wait
///
/// so the weights of one side (waiters or holders) add up to the lock's total wait.
package enum StackAttribution {
    /// The weighted stacks of one side, heaviest first (ties: more events, then lower id).
    ///
    /// - Parameters:
    ///   - tallies: waits grouped by stack id; id 0 (not captured) is left out of the result.
    ///   - totalWaitNanoseconds: the lock's total wait, from its counters.
    package static func weigh(
        _ tallies: [UInt32: StackTally], totalWaitNanoseconds: UInt64
    ) -> [(stackID: UInt32, weightNanoseconds: UInt64, count: UInt64, share: Double)] {
        let captured = tallies.filter { $0.key != 0 }
        // Summed in stack-id order: a floating-point sum depends on its order, and a dictionary's
        // order on how it was built, so equal tallies must not give different weights.
        let capturedWait = captured.sorted { $0.key < $1.key }.reduce(0.0) { $0 + Double($1.value.waitNanoseconds) }
        let total = Double(totalWaitNanoseconds)
        let weighed = captured.map { id, tally in
            let share = capturedWait > 0 ? Double(tally.waitNanoseconds) / capturedWait : 0
            let weight = share * total
            return (
                stackID: id, weightNanoseconds: weight >= Double(UInt64.max) ? UInt64.max : UInt64(weight.rounded()),
                count: tally.count, share: share
            )
        }
        return weighed.sorted {
            ($0.weightNanoseconds, $0.count, UInt32.max - $0.stackID) > ($1.weightNanoseconds, $1.count, UInt32.max - $1.stackID)
        }
    }

    /// Whether some waits of a lock lack a stack on either side, or events are missing altogether
    /// (fewer events than the counters' contended acquisitions and timeouts).
    package static func isSampled(_ tally: LockEventTally, countedWaits: UInt64) -> Bool {
        (tally.waiterStacks[0]?.count ?? 0) > 0 || (tally.holderStacks[0]?.count ?? 0) > 0
            || tally.events < countedWaits
    }
}

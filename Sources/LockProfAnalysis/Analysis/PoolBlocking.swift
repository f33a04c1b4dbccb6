/// How long a lock's waiters blocked the Swift concurrency cooperative pool: the waits made on
/// one of its threads, inside a task's job.
///
/// The pool has as many threads as cores; a task that waits for a lock keeps its thread from
/// every other task meanwhile. A wait counts when its waiter stack was captured (the waits that
/// slept; a wait won by spinning carries none) and that stack ran a task's job
/// (``Symbolizer/ranOnConcurrencyPool(stack:)``). The figures are measured, not scaled: at most
/// the lock's recorded wait, and zero for a lock only plain threads waited for.
package enum PoolBlocking {
    /// The waits of `waiterStacks` (the lock's waits by waiter stack id) whose stack `onPool`,
    /// capped at the lock's total wait `waitNanoseconds`.
    package static func tally(
        _ waiterStacks: [UInt32: StackTally], waitNanoseconds: UInt64, onPool: (UInt32) -> Bool
    ) -> StackTally {
        var total = StackTally()
        for (stackID, tally) in waiterStacks where stackID != 0 && onPool(stackID) { total = total.merged(with: tally) }
        total.waitNanoseconds = min(total.waitNanoseconds, waitNanoseconds)
        return total
    }
}

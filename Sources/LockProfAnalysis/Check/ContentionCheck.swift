/// Judges a report by a ``CheckPolicy`` and, optionally, a ``Baseline``: the logic of
/// `lockprof check`, pure.
///
/// Without a baseline every lock must stay within its limits. With one, a lock the baseline
/// knows fails only when it regressed past the tolerance (its earlier level is accepted, however
/// high); a lock the baseline does not know is new and must stay within its limits.
///
/// ```swift
/// let outcome = ContentionCheck.evaluate(report, policy: CheckPolicy())
/// for lock in outcome.failedLocks {
///     print(lock.displayName, lock.failures.map(\.description).joined(separator: "; "))
/// }
/// ```
public enum ContentionCheck {
    /// Every lock of `report` judged by `policy` (and `baseline`, when given), and the inversions.
    ///
    /// - Parameters:
    ///   - report: the run to judge.
    ///   - policy: the limits, per-lock overrides, ignored locks and the regression tolerance.
    ///   - baseline: an earlier run; with one, a known lock fails only when it regressed.
    ///   - inversions: one line per lock-order inversion; each fails the check unless the
    ///     policy allows inversions. Nil (the default): the inversions the report found.
    public static func evaluate(
        _ report: ContentionReport, policy: CheckPolicy, baseline: Baseline? = nil, inversions: [String]? = nil
    ) -> CheckOutcome {
        let inversions = inversions ?? report.inversions.map(\.description)
        let multipleProcesses = report.processes.count > 1
        let checks = report.locks.map { lock in
            let displayName = ContentionAnalysis.displayName(lock, multipleProcesses: multipleProcesses)
            let before = baseline?.locks[lock.name]
            guard !policy.isIgnored(lock.name) else {
                return CheckOutcome.LockCheck(
                    lock: lock, displayName: displayName, isIgnored: true, baselineWaitFraction: before?.waitFraction, failures: [])
            }
            let failures: [CheckFailure]
            if let before {
                failures =
                    policy.tolerance.isRegression(before: before.waitFraction, after: lock.waitFraction)
                    ? [CheckFailure(.regression(before: before.waitFraction, after: lock.waitFraction, tolerance: policy.tolerance))] : []
            } else {
                failures = limitFailures(lock, limits: policy.limits(for: lock.name))
            }
            return CheckOutcome.LockCheck(
                lock: lock, displayName: displayName, isIgnored: false, baselineWaitFraction: before?.waitFraction, failures: failures)
        }
        let inversionFailures = policy.allowInversions ? [] : inversions.map { CheckFailure(.inversion($0)) }
        let deadlockFailures = report.deadlocks.map { deadlock in
            CheckFailure(.deadlock(deadlock.threads.map { "thread \($0.threadID) waits for \($0.waitsFor)" }.joined(separator: ", ")
                + " (pid \(deadlock.process))"))
        }
        return CheckOutcome(locks: checks, otherFailures: deadlockFailures + inversionFailures, report: report, comparedWithBaseline: baseline != nil)
    }

    /// The limits `lock` breaks.
    public static func limitFailures(_ lock: LockReport, limits: LockLimits) -> [CheckFailure] {
        var failures: [CheckFailure] = []
        if let limit = limits.maxWaitFraction, lock.waitFraction > limit {
            failures.append(CheckFailure(.waitFraction(actual: lock.waitFraction, limit: limit)))
        }
        if let limit = limits.maxP99WaitNanoseconds, let p99 = lock.waitP99Nanoseconds, p99 > limit {
            failures.append(CheckFailure(.p99Wait(actualNanoseconds: p99, limitNanoseconds: limit)))
        }
        if let limit = limits.maxContendedShare, let share = lock.contendedFraction, share > limit {
            failures.append(CheckFailure(.contendedShare(actual: share, limit: limit)))
        }
        return failures
    }
}

/// Chooses the ``DiagnosisPattern`` of a flagged lock from its measurements. Pure.
///
/// The rules, in order (the first that matches wins):
/// 1. conditions are never diagnosed (sleeping in `wait()` is not contention);
/// 2. a semaphore that made threads wait had all its permits taken: `saturated-permits`;
/// 3. a reader-writer lock whose readers spent at least half the wait: `writers-block-readers`;
/// 4. holds of at least ``longHoldNanoseconds`` (the holds that left waiters behind):
///    `long-critical-section` with the holder on the CPU at least ``onCPUShare`` of the hold,
///    `blocking-under-lock` below it, `long-hold` when the CPU share was not measured;
/// 5. short holds that at least ``queueingShare`` of the acquisitions waited for: `hot-lock`
///    (threads queue for the lock itself);
/// 6. short holds, few waits, each at least ``oversubscribedRatio`` times the hold:
///    `oversubscribed` (the waiters' time goes to wake-up and scheduling — a holder preempted
///    inside its hold — not to the holds they wait for);
/// 7. otherwise: `hot-lock`.
package enum Diagnoser {
    /// A hold this long is long whatever the waits: 100 µs (tens of thousands of instructions).
    package static let longHoldNanoseconds: UInt64 = 100_000
    /// The share of hold time on the CPU above which the holder computes rather than blocks.
    package static let onCPUShare = 0.5
    /// Mean wait ÷ mean hold from which waits are scheduling rather than queueing.
    package static let oversubscribedRatio: UInt64 = 50
    /// The contended share of acquisitions from which short holds are a queue for the lock.
    package static let queueingShare = 0.1
    /// The reader share of a reader-writer lock's wait from which writers are the problem.
    package static let readerWaitShare = 0.5

    /// The diagnosis of a lock with these figures; nil for conditions and for locks without waits.
    package static func diagnose(_ figures: DiagnosisFigures) -> LockDiagnosis? {
        guard figures.kind != .condition, figures.waits > 0, let meanWait = figures.meanWaitNanoseconds else { return nil }
        var evidence = [waitedEvidence(figures), "mean wait \(ReportFormatting.duration(nanoseconds: meanWait))"]
        if let hold = figures.holdNanoseconds { evidence.append("mean hold \(ReportFormatting.duration(nanoseconds: hold))") }
        if let onCPU = figures.holderOnCPU { evidence.append("holder on CPU \(ReportFormatting.percent(onCPU)) of the hold") }
        func result(_ pattern: DiagnosisPattern, _ extra: [String] = []) -> LockDiagnosis {
            LockDiagnosis(pattern: pattern, evidence: evidence + extra, holderOnCPU: figures.holderOnCPU, holderFrame: figures.holderFrame)
        }

        if figures.kind == .semaphore { return result(.saturatedPermits, ["every wait found all permits taken"]) }
        if let share = figures.readerWaitShare, share >= readerWaitShare {
            return result(.writersBlockReaders, ["readers spent \(ReportFormatting.percent(share)) of the wait behind writers"])
        }
        guard let hold = figures.holdNanoseconds else { return result(.hotLock, ["\(figures.threads) threads in the process"]) }
        if hold >= longHoldNanoseconds {
            let long = "holds ≥ \(ReportFormatting.duration(nanoseconds: longHoldNanoseconds))"
            guard let onCPU = figures.holderOnCPU else { return result(.longHold, [long, "holder CPU time not recorded"]) }
            let limit = ReportFormatting.percent(onCPUShare)
            return onCPU >= onCPUShare
                ? result(.longCriticalSection, [long, "holder on CPU ≥ \(limit)"])
                : result(.blockingUnderLock, [long, "holder on CPU < \(limit)"])
        }
        let threads = "\(figures.threads) threads in the process"
        let short = "holds under \(ReportFormatting.duration(nanoseconds: longHoldNanoseconds))"
        let ratio = meanWait / max(hold, 1)
        let contendedShare = figures.acquisitions.map { $0 > 0 ? Double(figures.contendedAcquisitions) / Double($0) : 0 }
        let limit = ReportFormatting.percent(queueingShare)
        if let contendedShare, contendedShare >= queueingShare {
            let queued = "\(ReportFormatting.percentNonZero(contendedShare)) of acquisitions waited (≥ \(limit))"
            return result(.hotLock, [short, queued, holdsMadeOthersWait(ratio), threads])
        }
        let few = contendedShare.map { "few waits: \(ReportFormatting.percentNonZero($0)) of acquisitions (< \(limit))" }
        if meanWait >= oversubscribedRatio * max(hold, 1) {
            return result(.oversubscribed, [few, "each wait \(ratio)× the hold (≥ \(oversubscribedRatio)×)", threads].compactMap { $0 })
        }
        return result(.hotLock, [short, few, holdsMadeOthersWait(ratio), threads].compactMap { $0 })
    }

    /// `holds that made others wait 4× the typical hold`: the mean wait over the mean hold.
    static func holdsMadeOthersWait(_ ratio: UInt64) -> String {
        ratio == 0 ? "waits shorter than the typical hold" : "holds that made others wait \(ratio)× the typical hold"
    }

    /// `71.3% of 160000 acquisitions waited` (or the count alone when acquisitions are unknown).
    static func waitedEvidence(_ figures: DiagnosisFigures) -> String {
        guard let acquisitions = figures.acquisitions, acquisitions > 0 else { return "\(figures.waits) waits" }
        let share = Double(figures.contendedAcquisitions) / Double(acquisitions)
        return "\(figures.contendedAcquisitions) of \(acquisitions) acquisitions waited (\(ReportFormatting.percentNonZero(share)))"
    }
}

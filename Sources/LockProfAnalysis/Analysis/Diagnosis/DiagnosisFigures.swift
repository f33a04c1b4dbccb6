import LockProfFormat

/// The figures of one lock that the diagnosis rules read, derived from its ``LockReport``.
package struct DiagnosisFigures: Equatable, Sendable {
    /// The lock's kind.
    package var kind: LockKind
    /// Successful acquisitions; nil when unknown.
    package var acquisitions: UInt64?
    /// Acquisitions that waited.
    package var contendedAcquisitions: UInt64
    /// Waits of either outcome (contended acquisitions and timeouts).
    package var waits: UInt64
    /// Total wait.
    package var waitNanoseconds: UInt64
    /// The mean hold of the holds that left waiters behind (from the holder stacks' releases),
    /// or else the lock's estimated mean hold; nil when neither is known.
    package var holdNanoseconds: UInt64?
    /// Reader-writer locks: the share of the wait spent by readers, 0…1; nil for other kinds.
    package var readerWaitShare: Double?
    /// Threads of the lock's process that recorded events.
    package var threads: Int
    /// Share of hold time the holder was on the CPU; nil when not measured.
    package var holderOnCPU: Double?
    /// The innermost frame of the heaviest holder stack, as printed.
    package var holderFrame: String?

    /// Mean wait per wait; nil without waits.
    package var meanWaitNanoseconds: UInt64? { waits > 0 ? waitNanoseconds / waits : nil }

    /// The figures of `lock`, whose process recorded `threads` threads.
    package init(lock: LockReport, threads: Int) {
        kind = lock.kind
        acquisitions = lock.acquisitions
        contendedAcquisitions = lock.contendedAcquisitions
        waits = lock.contendedAcquisitions + lock.timeouts
        waitNanoseconds = lock.waitNanoseconds
        let releases = lock.holderStacks.reduce(UInt64(0)) { $0 + ($1.releases ?? 0) }
        let held = lock.holderStacks.reduce(0.0) { $0 + Double($1.releases ?? 0) * Double($1.meanHoldNanoseconds ?? 0) }
        holdNanoseconds = releases > 0 ? UInt64(held / Double(releases)) : lock.estimatedMeanHoldNanoseconds
        if let readers = lock.readers, lock.waitNanoseconds > 0 {
            readerWaitShare = Double(readers.waitNanoseconds) / Double(lock.waitNanoseconds)
        }
        self.threads = threads
        holderOnCPU = lock.holderOnCPU
        holderFrame = lock.holderStacks.first { !$0.frames.isEmpty }?.frames.first?.shortDescription
    }

    /// Figures given one by one (tests, and callers without a report).
    package init(
        kind: LockKind, acquisitions: UInt64?, contendedAcquisitions: UInt64, waits: UInt64, waitNanoseconds: UInt64,
        holdNanoseconds: UInt64?, readerWaitShare: Double? = nil, threads: Int, holderOnCPU: Double? = nil,
        holderFrame: String? = nil
    ) {
        self.kind = kind
        self.acquisitions = acquisitions
        self.contendedAcquisitions = contendedAcquisitions
        self.waits = waits
        self.waitNanoseconds = waitNanoseconds
        self.holdNanoseconds = holdNanoseconds
        self.readerWaitShare = readerWaitShare
        self.threads = threads
        self.holderOnCPU = holderOnCPU
        self.holderFrame = holderFrame
    }
}

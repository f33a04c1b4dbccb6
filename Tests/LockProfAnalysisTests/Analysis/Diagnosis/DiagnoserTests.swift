@testable import LockProfAnalysis
import LockProfFormat
import Testing

/// The diagnosis rules on figures like those of the demo scenarios and the workloads.
@Suite struct DiagnoserTests {
    func figures(
        _ kind: LockKind = .mutex, contended: UInt64 = 600, wait: UInt64, hold: UInt64?, readerShare: Double? = nil,
        onCPU: Double? = nil
    ) -> DiagnosisFigures {
        DiagnosisFigures(
            kind: kind, acquisitions: 1_000, contendedAcquisitions: contended, waits: contended, waitNanoseconds: wait,
            holdNanoseconds: hold, readerWaitShare: readerShare, threads: 4, holderOnCPU: onCPU, holderFrame: "Counter.increment()")
    }

    @Test func shortHoldsThatThreadsQueueForAreAHotLock() throws {
        // 600 waits of 25 µs behind holds of 6 µs.
        let diagnosis = try #require(Diagnoser.diagnose(figures(wait: 600 * 25_000, hold: 6_000)))
        #expect(diagnosis.pattern == .hotLock)
        #expect(diagnosis.advice.contains("shard"))
        #expect(diagnosis.evidence.contains("600 of 1000 acquisitions waited (60.0%)"))
        #expect(diagnosis.evidence.contains("mean wait 25.0 µs"))
        #expect(diagnosis.evidence.contains("mean hold 6.00 µs"))
        #expect(diagnosis.holderFrame == "Counter.increment()")
        // The figures that chose the pattern, each beside the limit it passed.
        #expect(diagnosis.evidence.contains("holds under 100 µs"), "\(diagnosis.evidence)")
        #expect(diagnosis.evidence.contains("60.0% of acquisitions waited (≥ 10%)"), "\(diagnosis.evidence)")
        #expect(diagnosis.evidence.contains("holds that made others wait 4× the typical hold"), "\(diagnosis.evidence)")
        #expect(!diagnosis.evidence.contains("short holds"))
    }

    @Test func fewWaitsOfAFewHoldsEachAreStillAHotLockAndSaySo() throws {
        // 200 ns holds, 5 of 1000 acquisitions waited 2 µs each: 10× the hold, under the 50× of oversubscription.
        let diagnosis = try #require(Diagnoser.diagnose(figures(contended: 5, wait: 5 * 2_000, hold: 200)))
        #expect(diagnosis.pattern == .hotLock)
        #expect(diagnosis.evidence.contains("few waits: 0.5% of acquisitions (< 10%)"), "\(diagnosis.evidence)")
        #expect(diagnosis.evidence.contains("holds that made others wait 10× the typical hold"), "\(diagnosis.evidence)")
    }

    @Test func longHoldsOnTheCPUAreALongCriticalSection() throws {
        let diagnosis = try #require(Diagnoser.diagnose(figures(wait: 600 * 3_000_000, hold: 2_000_000, onCPU: 0.95)))
        #expect(diagnosis.pattern == .longCriticalSection)
        #expect(diagnosis.holderOnCPU == 0.95)
        #expect(diagnosis.evidence.contains("holder on CPU 95% of the hold"))
        #expect(diagnosis.evidence.contains("holder on CPU ≥ 50%"), "\(diagnosis.evidence)")
    }

    @Test func longHoldsOffTheCPUAreBlockingUnderTheLock() throws {
        let diagnosis = try #require(Diagnoser.diagnose(figures(wait: 600 * 3_000_000, hold: 2_000_000, onCPU: 0.02)))
        #expect(diagnosis.pattern == .blockingUnderLock)
        #expect(diagnosis.evidence.contains("holder on CPU 2% of the hold"), "\(diagnosis.evidence)")
        #expect(diagnosis.evidence.contains("holder on CPU < 50%"), "\(diagnosis.evidence)")
    }

    @Test func longHoldsWithoutCPUTimeAreALongHold() throws {
        let diagnosis = try #require(Diagnoser.diagnose(figures(wait: 600 * 3_000_000, hold: 2_000_000)))
        #expect(diagnosis.pattern == .longHold)
        #expect(diagnosis.evidence.contains("holder CPU time not recorded"))
    }

    @Test func waitsFarLongerThanShortHoldsAreOversubscription() throws {
        // 200 ns holds, 5 of 1000 acquisitions waited 50 µs each: 250× the hold.
        let diagnosis = try #require(Diagnoser.diagnose(figures(contended: 5, wait: 5 * 50_000, hold: 200)))
        #expect(diagnosis.pattern == .oversubscribed)
        #expect(diagnosis.evidence.contains("few waits: 0.5% of acquisitions (< 10%)"), "\(diagnosis.evidence)")
        #expect(diagnosis.evidence.contains("each wait 250× the hold (≥ 50×)"), "\(diagnosis.evidence)")
        // The same waits on most acquisitions are a queue for the lock: hot.
        #expect(Diagnoser.diagnose(figures(contended: 600, wait: 600 * 50_000, hold: 200))?.pattern == .hotLock)
    }

    @Test func aSemaphoreThatMadeThreadsWaitHasItsPermitsSaturated() throws {
        let diagnosis = try #require(Diagnoser.diagnose(figures(.semaphore, wait: 600 * 3_000_000, hold: 2_000_000)))
        #expect(diagnosis.pattern == .saturatedPermits)
    }

    @Test func readersWaitingMostOfTheTimeMeanWritersBlockReaders() throws {
        let diagnosis = try #require(Diagnoser.diagnose(figures(.rwlock, wait: 600 * 30_000, hold: 20_000, readerShare: 0.8)))
        #expect(diagnosis.pattern == .writersBlockReaders)
        #expect(diagnosis.evidence.contains("readers spent 80% of the wait behind writers"))
        // Writers waiting for writers is an ordinary hot lock.
        let writers = try #require(Diagnoser.diagnose(figures(.rwlock, wait: 600 * 30_000, hold: 20_000, readerShare: 0.1)))
        #expect(writers.pattern == .hotLock)
    }

    @Test func conditionsAndLocksWithoutWaitsAreNotDiagnosed() {
        #expect(Diagnoser.diagnose(figures(.condition, wait: 600 * 30_000, hold: 20_000)) == nil)
        #expect(Diagnoser.diagnose(figures(contended: 0, wait: 0, hold: 20_000)) == nil)
    }

    @Test func aNonZeroShareNeverReadsZero() {
        #expect(ReportFormatting.percentNonZero(70.0 / 1_000_000) == "<0.1%")
        #expect(ReportFormatting.percentNonZero(0) == "0.0%")
        #expect(ReportFormatting.percentNonZero(0.713) == "71.3%")
        #expect(ReportFormatting.percentNonZero(0.99999) == ">99.9%")
    }
}

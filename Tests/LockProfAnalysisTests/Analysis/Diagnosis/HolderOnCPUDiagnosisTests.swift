import Foundation
@testable import LockProfAnalysis
import LockProfFormat
import Testing

/// `holder_on_cpu` from a trace's counters (the holds whose holder's CPU time the runtime
/// measured) to the report and the diagnosis; null for a trace that carries none.
@Suite struct HolderOnCPUDiagnosisTests {
    /// One lock that 40 of 100 acquisitions waited 3 ms for, behind 2 ms holds; `fill` adds the
    /// holder's CPU time, or not.
    func trace(_ fill: (inout LockStatisticsRecord) -> Void = { _ in }) -> [TraceRecord] {
        var statistics = LockStatisticsRecord(
            lockID: 1, acquisitions: 100, contendedAcquisitions: 40, waitNanoseconds: 40 * 3 * millisecond,
            maximumWaitNanoseconds: 4 * millisecond, waitHistogram: Array(repeating: 0, count: 21) + [40], sampledHolds: 2,
            sampledHoldNanoseconds: 4 * millisecond, blockingHolds: 40, blockingHoldNanoseconds: 80 * millisecond)
        fill(&statistics)
        return [
            processRecord(), lockRecord(1, "ledger"), release(lock: 1, hold: 2 * millisecond, holder: 0),
            .lockStatistics(statistics), end(after: second),
        ]
    }

    func ledger(_ records: [TraceRecord]) throws -> LockReport {
        try #require(ContentionAnalysis.report(records: records, threshold: 0).locks.first { $0.name == "ledger" })
    }

    /// The ledger's report when its holders ran `cpu` ns of `hold` ns of measured holds.
    func ledger(measuredHold hold: UInt64, holderCPU cpu: UInt64) throws -> LockReport {
        try ledger(trace {
            $0.cpuMeasuredHoldNanoseconds = hold
            $0.holderCPUNanoseconds = cpu
        })
    }

    @Test func theShareIsTheHolderCPUTimeOverTheMeasuredHolds() throws {
        let lock = try ledger(measuredHold: 80 * millisecond, holderCPU: 20 * millisecond)
        #expect(lock.holderOnCPU == 0.25)
        #expect(lock.diagnosis?.pattern == .blockingUnderLock)
        #expect(lock.diagnosis?.holderOnCPU == 0.25)
        #expect(lock.diagnosis?.evidence.contains("holder on CPU 25% of the hold") == true)
    }

    @Test func aHolderComputingUnderTheLockIsALongCriticalSection() throws {
        let lock = try ledger(measuredHold: 80 * millisecond, holderCPU: 76 * millisecond)
        #expect(lock.holderOnCPU == 0.95)
        #expect(lock.diagnosis?.pattern == .longCriticalSection)
    }

    @Test func theShareNeverExceedsOne() throws {
        // Two clocks: a CPU reading a few ns past the wall reading's hold must not read 101%.
        let lock = try ledger(measuredHold: 1_000, holderCPU: 1_010)
        #expect(lock.holderOnCPU == 1)
    }

    @Test func aTraceWithoutTheHolderCPUFieldsHasNoShareAndALongHold() throws {
        let lock = try ledger(trace())
        #expect(lock.holderOnCPU == nil)
        #expect(lock.diagnosis?.pattern == .longHold)
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(JSONReportRenderer().render(ContentionAnalysis.report(records: trace(), threshold: 0)).utf8))
                as? [String: Any])
        let entry = try #require((json["locks"] as? [[String: Any]])?.first)
        #expect(entry["holder_on_cpu"] is NSNull)
        #expect((entry["diagnosis"] as? [String: Any])?["holder_on_cpu"] is NSNull)
    }
}

import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@testable import LockProf

extension RecordingTests {
    /// Locks created and destroyed faster than the collector checkpoints (issue 14): the
    /// registry's list of dead locks stays bounded, and the trace's and the report's totals per
    /// creation site stay exact (LockRegistry.swift, "Dead locks").
    @Suite struct DeadLockFoldingTests {
        static let threads = 4
        static let locksPerThread = 25_000
        /// Unpinned dead locks a shard keeps one by one: small, so 100 000 deaths must fold.
        static let limit = 64
        /// Locks each thread keeps alive at once (more than `limit`).
        static let window = 256

        /// Times lock `index` is taken: 1 to 3, so a total cannot come out right by accident.
        static func takes(_ index: Int) -> Int { index % 3 + 1 }

        /// A lock from one of four creation sites: three unnamed (named by their site), one
        /// naming every lock differently (more names than a shard folds by name).
        static func lock(atSite site: Int, tag: String, index: Int) -> ProfiledLock {
            switch site {
            case 0: ProfiledLock()
            case 1: ProfiledLock()
            case 2: ProfiledLock()
            default: ProfiledLock(name: "fold.\(tag).\(index)")
            }
        }

        /// 4 threads × 50 000 locks, each created at one of 4 sites, taken 1–3 times and destroyed
        /// while recording, with a limit of 64 unpinned dead locks per shard. No shard ever held
        /// more than the limit one by one, the locks were folded (200 000 deaths against 512
        /// entries per checkpoint), and per site the trace's and the report's acquisitions and
        /// the dead locks they stand for are exactly what the threads did.
        @Test func locksDyingFasterThanCheckpointsStayBoundedAndExactPerSite() throws {
            let (path, directory) = temporaryTracePath()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tag = UUID().uuidString
            LockRegistry.retiredLimit.store(Self.limit, ordering: .relaxed)
            defer { LockRegistry.retiredLimit.store(8192, ordering: .relaxed) }
            LockRegistry.resetRetiredHighWater()

            // Per site: acquisitions and locks, as the threads made them.
            let expected = Locked([String: (acquisitions: UInt64, locks: UInt64)]())
            try LockProfiler.start(tracePath: path)
            onThreads(Self.threads) { thread in
                var acquisitions = [UInt64](repeating: 0, count: 4)
                var locks = [UInt64](repeating: 0, count: 4)
                var siteNames = [String](repeating: "", count: 4)
                // The last `window` locks stay alive: a checkpoint finds some of them live and
                // writes their counts, and they die after many others, once their shard folds.
                var window: [ProfiledLock?] = Array(repeating: nil, count: Self.window)
                for index in 0..<Self.locksPerThread {
                    let site = index % 4
                    let lock = Self.lock(atSite: site, tag: tag, index: thread * Self.locksPerThread + index)
                    for _ in 0..<Self.takes(index) { lock.withLock {} }
                    if siteNames[site].isEmpty { siteNames[site] = lock.core.identity.site }
                    acquisitions[site] += UInt64(Self.takes(index)) + 1
                    locks[site] += 1
                    window[index % Self.window]?.withLock {}  // once more, just before it dies
                    window[index % Self.window] = lock
                }
                for lock in window { lock?.withLock {} }
                window = []
                expected.withLock { expected in
                    for site in 0..<4 {
                        expected[siteNames[site], default: (0, 0)].acquisitions += acquisitions[site]
                        expected[siteNames[site], default: (0, 0)].locks += locks[site]
                    }
                }
            }
            LockProfiler.stop()
            let sites = expected.withLock { $0 }
            #expect(sites.count == 4)
            #expect(sites.values.reduce(0) { $0 + $1.locks } == UInt64(Self.threads * Self.locksPerThread))

            #expect(LockRegistry.retiredHighWater.load(ordering: .relaxed) <= Self.limit)
            #expect(LockRegistry.foldedLockCount.load(ordering: .relaxed) > 0)
            // Named entries, then one per site and kind whose locks died in bulk meanwhile (these
            // four, and any a test running beside this one destroyed).
            #expect(LockRegistry.foldedHighWater.load(ordering: .relaxed) <= LockRegistry.foldedNamesLimit + 64)

            let (records, summary) = try TraceReader.readAll(path: path)
            #expect(summary.damage.isEmpty)
            var statistics: [UInt32: LockStatisticsRecord] = [:]
            var folded: [UInt32: UInt64] = [:]
            for record in records {
                switch record {
                case .lockStatistics(let record): statistics[record.lockID] = record
                case .foldedLocks(let record): folded[record.lockID] = record.foldedLocks
                default: break
                }
            }
            var traced: [String: (acquisitions: UInt64, locks: UInt64)] = [:]
            for lock in records.lockRecords where sites[lock.site] != nil {
                traced[lock.site, default: (0, 0)].acquisitions += statistics[lock.lockID]?.acquisitions ?? 0
                traced[lock.site, default: (0, 0)].locks += folded[lock.lockID] ?? 1
            }
            for (site, counts) in sites {
                #expect(traced[site]?.acquisitions == counts.acquisitions, "\(site)")
                #expect(traced[site]?.locks == counts.locks, "\(site)")
            }
            #expect(!folded.isEmpty)

            let report = ContentionAnalysis.report(records: records, path: path)
            var reported: [String: UInt64] = [:]
            for lock in report.locks where sites[lock.site] != nil {
                reported[lock.site, default: 0] += lock.acquisitions ?? 0
            }
            #expect(reported == sites.mapValues(\.acquisitions))
            let foldedNotes = report.notes.filter { if case .foldedDeadLocks = $0 { true } else { false } }
            #expect(foldedNotes.count == 1)
        }
    }
}

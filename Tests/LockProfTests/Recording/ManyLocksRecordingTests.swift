import Foundation
import LockProfFormat
import Testing

@testable import LockProf

extension RecordingTests {
    /// Many short-lived locks while recording (issue 18): created, taken and destroyed by several
    /// threads at once, through the sharded registry, the side block and the touched word.
    @Suite struct ManyLocksRecordingTests {
        static let threads = 4
        static let rounds = 3
        static let locksPerRound = 500

        /// Times lock `index` is taken: 1 to 3, so a count cannot come out right by accident.
        static func takes(_ index: Int) -> Int { index % 3 + 1 }

        /// 4 threads × 3 rounds × 500 locks, each created, taken 1–3 times (every fifth also
        /// tried while held: a failed tryLock, counted in its side block) and destroyed within the
        /// session; beside them locks created and never taken, and one lock from before the
        /// session never taken in it. The trace names every taken lock once, with a nonzero id of
        /// its own and its exact counts; the untouched ones cost it nothing.
        @Test func locksCreatedTakenAndDestroyedByFourThreadsHaveExactCountsAndUniqueIDs() throws {
            let (path, directory) = temporaryTracePath()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tag = UUID().uuidString
            let before = ProfiledLock(name: "many.before-\(tag)")
            before.withLock {}  // counted before the session: not part of it
            try LockProfiler.start(tracePath: path)
            onThreads(Self.threads) { thread in
                for round in 0..<Self.rounds {
                    var locks: [ProfiledLock] = []
                    for index in 0..<Self.locksPerRound {
                        locks.append(ProfiledLock(name: "many.\(tag).\(thread).\(round).\(index)"))
                        _ = ProfiledLock(name: "many.idle-\(tag).\(thread).\(round).\(index)")
                    }
                    for (index, lock) in locks.enumerated() {
                        for _ in 0..<Self.takes(index) {
                            lock.lock()
                            if index % 5 == 0 { precondition(!lock.tryLock()) }
                            lock.unlock()
                        }
                    }
                }
            }
            LockProfiler.stop()
            withExtendedLifetime(before) {}

            let (records, summary) = try TraceReader.readAll(path: path)
            #expect(summary.damage.isEmpty)
            let lockRecords = records.lockRecords
            #expect(!lockRecords.contains { $0.name.hasPrefix("many.idle-\(tag)") || $0.name == "many.before-\(tag)" })
            let beforeIDs = Set(lockRecords.filter { $0.name == "many.before-\(tag)" }.map(\.lockID))
            #expect(beforeIDs.isEmpty)
            let taken = lockRecords.filter { $0.name.hasPrefix("many.\(tag).") }
            #expect(taken.count == Self.threads * Self.rounds * Self.locksPerRound)
            #expect(Set(taken.map(\.name)).count == taken.count)
            #expect(Set(taken.map(\.lockID)).count == taken.count)
            #expect(!taken.contains { $0.lockID == 0 })
            // A thread's locks are in its registry shard: the id's low bits.
            let shardsByThread = Dictionary(grouping: taken) { $0.name.split(separator: ".")[2] }
                .mapValues { Set($0.map { $0.lockID & UInt32(LockRegistry.shardCount - 1) }) }
            #expect(shardsByThread.count == Self.threads && shardsByThread.values.allSatisfy { $0.count == 1 })
            var lastStatistics: [UInt32: LockStatisticsRecord] = [:]
            for case .lockStatistics(let statistics) in records { lastStatistics[statistics.lockID] = statistics }
            var wrong: [String] = []
            for lock in taken {
                let index = Int(lock.name.split(separator: ".").last!)!
                let statistics = lastStatistics[lock.lockID]
                let failed: UInt64 = index % 5 == 0 ? UInt64(Self.takes(index)) : 0
                if statistics?.acquisitions != UInt64(Self.takes(index)) || statistics?.failedTryLocks != failed {
                    wrong.append("\(lock.name): \(String(describing: statistics?.acquisitions)) acquisitions, \(String(describing: statistics?.failedTryLocks)) failed")
                }
            }
            #expect(wrong.isEmpty, "\(wrong.count) locks with wrong counts, e.g. \(wrong.prefix(3))")
        }

        /// A lock created without a name is named by its creation site, formatted when asked.
        @Test func aLockWithoutANameIsNamedByItsCreationSite() {
            let line = #line + 1
            let lock = ProfiledLock()
            #expect(lock.name == "LockProfTests/ManyLocksRecordingTests.swift:\(line)")
            #expect(lock.core.identity.site == lock.name)
            #expect(MemoryLayout<LockIdentity>.size == 44)  // no formatted string kept per lock
        }
    }
}

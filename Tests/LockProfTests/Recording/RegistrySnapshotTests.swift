import Foundation
import Synchronization
import Testing

@testable import LockProf

extension RecordingTests {
    /// `LockProfiler.snapshot()` reads the registry one table chunk (4096 locks) at a time, so a
    /// scrape never holds a shard's mutex for the whole shard (issue 14). These check that reading
    /// by chunks still sees every live lock once, with its exact counts.
    @Suite struct RegistrySnapshotTests {
        /// Locks one thread creates: one registry shard, spread over three table chunks.
        static let lockCount = 2 * 4096 + 100

        /// 8 292 locks from one thread (one shard, three chunks), lock `i` taken `i % 4 + 1` times:
        /// the snapshot has each of them once, with its count.
        @Test func aSnapshotSeesEveryLockOfAShardSpanningSeveralChunksOnceWithItsCount() {
            let tag = UUID().uuidString
            let locks = (0..<Self.lockCount).map { ProfiledLock(name: "chunks.\(tag).\($0)") }
            for (index, lock) in locks.enumerated() {
                for _ in 0...(index % 4) { lock.withLock {} }
            }
            let mine = LockProfiler.snapshot().filter { $0.name.hasPrefix("chunks.\(tag).") }
            #expect(mine.count == Self.lockCount)
            #expect(Set(mine.map(\.lockID)).count == mine.count)
            let wrong = mine.filter { $0.acquisitions != UInt64(Int($0.name.split(separator: ".").last!)! % 4 + 1) }
            #expect(wrong.isEmpty, "\(wrong.count) locks with wrong counts, e.g. \(wrong.prefix(3).map(\.name))")
            withExtendedLifetime(locks) {}
        }

        /// While recording, two threads create, take and destroy 32 768 locks (the shard tables
        /// grow and free chunks) while another takes snapshots: no snapshot names a lock twice, and
        /// the locks that live across the whole run appear in every one with their exact counts.
        /// (A lock read live and retired before its shard is finished is rare here: the dedup of
        /// that case is not forced by this test.)
        @Test func snapshotsDuringChurnNameEachLockOnceAndKeepTheSteadyLocksExact() throws {
            let (path, directory) = temporaryTracePath()
            defer { try? FileManager.default.removeItem(at: directory) }
            let tag = UUID().uuidString
            let steady = (0..<Self.lockCount).map { ProfiledLock(name: "steady.\(tag).\($0)") }
            for lock in steady { lock.withLock {} }
            try LockProfiler.start(tracePath: path)
            defer { LockProfiler.stop() }
            let churning = Atomic<Int>(2)
            let duplicates = Atomic<Int>(0)
            let wrongSteady = Atomic<Int>(0)
            let snapshots = Atomic<Int>(0)
            onThreads(3) { thread in
                if thread == 0 {
                    // At least one snapshot, then as many as fit while the churn lasts.
                    repeat {
                        let snapshot = LockProfiler.snapshot()
                        if Set(snapshot.map(\.lockID)).count != snapshot.count { duplicates.add(1, ordering: .relaxed) }
                        let steadyCount = snapshot.filter { $0.name.hasPrefix("steady.\(tag).") && $0.acquisitions == 1 }.count
                        if steadyCount != Self.lockCount { wrongSteady.add(1, ordering: .relaxed) }
                        snapshots.add(1, ordering: .relaxed)
                    } while churning.load(ordering: .acquiring) > 0
                } else {
                    // A bounded churn: 2 × 64 rounds of 256 locks, each taken once and destroyed.
                    for _ in 0..<64 {
                        var churn: [ProfiledLock] = []
                        for index in 0..<256 {
                            let lock = ProfiledLock(name: "churn.\(tag).\(thread).\(index)")
                            lock.withLock {}
                            churn.append(lock)
                        }
                        churn.removeAll()
                    }
                    churning.subtract(1, ordering: .releasing)
                }
            }
            #expect(snapshots.load(ordering: .relaxed) >= 1)
            #expect(duplicates.load(ordering: .relaxed) == 0)
            #expect(wrongSteady.load(ordering: .relaxed) == 0)
            withExtendedLifetime(steady) {}
        }
    }
}

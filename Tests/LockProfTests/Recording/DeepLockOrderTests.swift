import CLockProfSupport
import Foundation
import LockProfAnalysis
import LockProfFormat
import Testing

@testable import LockProf

// Lock order past the fixed held-lock array (16 entries, CLockProfSupport.h): the spill, removal
// at any depth, and what the report makes of a sharded snapshot. In RecordingTests' suite
// (`.serialized`: one recording session at a time).
extension RecordingTests {
    @Test func thirtyTwoShardsTakenInOrderAndOneRebalanceFrom31To20AreOneInversionWithBothSites() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = "deep-\(UUID())."
        let shards = (0..<32).map { ProfiledLock(name: prefix + String(format: "shard-%02d", $0)) }
        try LockProfiler.start(tracePath: path)
        // One after the other: the run must not deadlock, the order alone is the finding.
        onThreads(1) { _ in for _ in 0..<3 { takeEveryShardInOrder(shards) } }
        onThreads(1) { _ in rebalance(from: shards[31], to: shards[20]) }
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: shards)
        // Every pair of the snapshot, at every depth, once; and the rebalance's.
        var expected: Set<[UInt32]> = [[ids[31], ids[20]]]
        for held in 0..<32 { for acquired in (held + 1)..<32 { expected.insert([ids[held], ids[acquired]]) } }
        let pairs = records.lockOrders.filter { ids.contains($0.heldLockID) }.map { [$0.heldLockID, $0.acquiredLockID] }
        #expect(pairs.count == 497)
        #expect(Set(pairs) == expected)

        let inversions = ContentionAnalysis.report(records: records).inversions.filter { $0.locks.allSatisfy { $0.hasPrefix(prefix) } }
        #expect(inversions.map(\.locks) == [[prefix + "shard-20", prefix + "shard-31"]])
        let edges = try #require(inversions.first?.edges)
        #expect(edges.map(\.acquired) == [prefix + "shard-31", prefix + "shard-20"])
        #expect(edges[0].stack.contains { $0.function.contains("takeEveryShardInOrder") }, "\(edges[0].stack.map(\.function))")
        #expect(edges[1].stack.contains { $0.function.contains("rebalance") }, "\(edges[1].stack.map(\.function))")
        #expect(records.lastStatistics(of: ids[20])?.acquisitions == 4)
    }

    @Test func thirtyTwoShardsAlwaysTakenInOrderAreNoInversion() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = "deep-in-order-\(UUID())."
        let shards = (0..<32).map { ProfiledLock(name: prefix + String(format: "shard-%02d", $0)) }
        try LockProfiler.start(tracePath: path)
        onThreads(2) { _ in for _ in 0..<20 { takeEveryShardInOrder(shards) } }
        LockProfiler.stop()

        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: shards)
        #expect(records.lockOrders.filter { ids.contains($0.heldLockID) }.count == 32 * 31 / 2)
        let report = ContentionAnalysis.report(records: records)
        #expect(report.inversions.filter { $0.locks.contains { $0.hasPrefix(prefix) } }.isEmpty)
        #expect(records.lastStatistics(of: ids[31])?.acquisitions == 40)
    }

    @Test func sixtyFourDeepNestingReleasedOutOfOrderLeavesAnEmptyHeldSet() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let locks = (0..<64).map { ProfiledLock(name: "deep-64-\(UUID()).lock-\($0)") }
        let failures = HeldCounts()
        try LockProfiler.start(tracePath: path)
        onThreads(1) { _ in
            var generator = SplitMix(seed: 19)
            for _ in 0..<3 {
                for lock in locks { lock.lock() }
                if lockprof_held_depth() != 64 { failures.append(lockprof_held_depth()) }
                var remaining = locks.map(\.core.lockID)
                for position in Array(locks.indices).shuffled(using: &generator) {
                    locks[position].unlock()
                    remaining.removeAll { $0 == locks[position].core.lockID }
                    // The held set is exactly what is still held, in acquisition order.
                    if heldLocks() != remaining { failures.append(UInt32(remaining.count)) }
                }
                if lockprof_held_count() != 0 || lockprof_held_depth() != 0 { failures.append(999) }
            }
        }
        LockProfiler.stop()
        #expect(failures.values.isEmpty)
        let (records, _) = try TraceReader.readAll(path: path)
        let ids = try records.lockIDs(of: locks)
        #expect(Set(records.lockOrders.filter { ids.contains($0.heldLockID) }.map { [$0.heldLockID, $0.acquiredLockID] }).count == 64 * 63 / 2)
        #expect(locks.allSatisfy { $0.tryLock() })
        for lock in locks { lock.unlock() }
    }

    @Test func aRecursiveLocksReentriesAtAnyDepthAddNoEdge() throws {
        let (path, directory) = temporaryTracePath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = "deep-recursive-\(UUID())."
        let recursive = ProfiledRecursiveLock(name: prefix + "recursive")
        let shards = (0..<20).map { ProfiledLock(name: prefix + String(format: "shard-%02d", $0)) }
        let depths = HeldCounts()
        try LockProfiler.start(tracePath: path)
        onThreads(1) { _ in
            recursive.lock()
            shards[0].lock()
            recursive.withLock { depths.append(lockprof_held_depth()) }  // re-entry at depth 2
            for shard in shards.dropFirst() { shard.lock() }
            recursive.withLock { depths.append(lockprof_held_depth()) }  // re-entry at depth 21
            for shard in shards.reversed() { shard.unlock() }
            recursive.unlock()
            depths.append(lockprof_held_depth())
        }
        LockProfiler.stop()
        #expect(depths.values == [2, 21, 0])

        let (records, _) = try TraceReader.readAll(path: path)
        let idR = try #require(records.lockRecords.first { $0.name == recursive.name }?.lockID)
        let ids = try records.lockIDs(of: shards)
        var expected: Set<[UInt32]> = []
        for (held, heldID) in ids.enumerated() {
            expected.insert([idR, heldID])
            for acquired in ids[(held + 1)...] { expected.insert([heldID, acquired]) }
        }
        let pairs = records.lockOrders.filter { ($0.heldLockID == idR || ids.contains($0.heldLockID)) }
        #expect(Set(pairs.map { [$0.heldLockID, $0.acquiredLockID] }) == expected)
        #expect(!records.lockOrders.contains { $0.acquiredLockID == idR })
    }

    @Test func theHeldSetIsBoundedAndStaysRightPastItsBound() {
        let depths = HeldCounts()
        onThreads(1) { _ in
            // Ids past 2^31: no lock has them, so nothing real is disturbed.
            let base: UInt32 = 0x8000_0000
            for id in base..<(base + 1_100) { lockprof_held_push(id) }
            depths.append(lockprof_held_depth())
            lockprof_held_pop(base + 1_050)  // never tracked: nothing changes
            depths.append(lockprof_held_depth())
            depths.append(lockprof_held_lock(1_023) == base + 1_023 ? 1 : 0)
            var generator = SplitMix(seed: 7)
            for id in Array(base..<(base + 1_024)).shuffled(using: &generator) { lockprof_held_pop(id) }
            depths.append(lockprof_held_depth())
            depths.append(lockprof_held_count())
            lockprof_held_push(base)
            depths.append(lockprof_held_count())
            lockprof_held_pop(base)
            depths.append(lockprof_held_count())
        }
        #expect(depths.values == [1_024, 1_024, 1, 0, 0, 1, 0])
    }

    @Test func aThreadRemembersEachPairUntilTheNextSession() {
        let recorded = RecordedLockOrders()
        defer { recorded.deallocate() }
        let pairs = (1...32).flatMap { held in (held + 1...33).map { RecordedLockOrders.key(held: UInt32(held), acquired: UInt32($0)) } }
        #expect(!pairs.contains { recorded.contains($0) })
        for pair in pairs { recorded.insert(pair) }
        #expect(pairs.allSatisfy { recorded.contains($0) })
        #expect(!recorded.contains(RecordedLockOrders.key(held: 33, acquired: 1)))
        recorded.forgetAll()
        #expect(!pairs.contains { recorded.contains($0) })
    }
}

/// The thread's held locks, in acquisition order, at any depth.
private func heldLocks() -> [UInt32] {
    (0..<lockprof_held_depth()).map { lockprof_held_lock($0) }
}

/// A consistent total over shards: every shard lock in index order, then released in index order
/// (so each release but the last removes the bottom entry, across the spill).
@inline(never)
func takeEveryShardInOrder(_ shards: [ProfiledLock]) {
    for shard in shards { shard.lock() }
    for shard in shards { shard.unlock() }
}

/// Moves work from one shard to another: holds `from` while taking `to`.
@inline(never)
func rebalance(from: ProfiledLock, to: ProfiledLock) {
    from.withLock { to.withLock {} }
}

/// A small seeded generator, so that a failing release order can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

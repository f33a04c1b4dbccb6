import Testing

@testable import LockProf

/// A registry shard's table of live locks by number (LockTable.swift).
@Suite struct LockTableTests {
    @Test func locksAreFoundByNumberVisitedInOrderAndForgottenWhenRemoved() {
        let locks = (0..<3).map { _ in ProfiledLock(name: "lock-table") }
        let numbers = [5, LockTable.chunkSize + 1, 3 * LockTable.chunkSize]
        var table = LockTable()
        for (lock, number) in zip(locks, numbers) { table.insert(Unmanaged.passUnretained(lock.core), at: number) }
        #expect(table[numbers[1]]?.takeUnretainedValue() === locks[1].core)
        #expect(table[numbers[1] + 1] == nil)
        #expect(table[10 * LockTable.chunkSize] == nil)
        var visited: [ObjectIdentifier] = []
        table.forEach { visited.append(ObjectIdentifier($0.takeUnretainedValue())) }
        #expect(visited == locks.map { ObjectIdentifier($0.core) })
        let removed = table.remove(at: numbers[1])
        let removedAgain = table.remove(at: numbers[1])
        #expect(removed && !removedAgain)
        #expect(table[numbers[1]] == nil)
        let removedLast = table.remove(at: numbers[2])  // the last chunk: kept for the next number
        #expect(removedLast)
        table.insert(Unmanaged.passUnretained(locks[2].core), at: numbers[2] + 1)
        visited = []
        table.forEach { visited.append(ObjectIdentifier($0.takeUnretainedValue())) }
        #expect(visited == [ObjectIdentifier(locks[0].core), ObjectIdentifier(locks[2].core)])
        withExtendedLifetime(locks) {}
    }

    /// Numbers handed out one at a time to locks that die at once (issue 14's churn): the table
    /// keeps the chunk being filled and the one of the live lock, never the chunks passed.
    @Test func locksCreatedAndDestroyedOneAtATimeKeepNoChunkTheyPassed() {
        let lock = ProfiledLock(name: "lock-table.churn")
        var table = LockTable()
        table.insert(Unmanaged.passUnretained(lock.core), at: 1)  // stays live: its chunk stays
        var mostChunks = 0
        for number in 2..<(10 * LockTable.chunkSize) {
            table.insert(Unmanaged.passUnretained(lock.core), at: number)
            table.remove(at: number)
            mostChunks = max(mostChunks, table.allocatedChunkCount)
        }
        #expect(mostChunks == 2)
        #expect(table.allocatedChunkCount == 2 && table[1] != nil)
        withExtendedLifetime(lock) {}
    }
}

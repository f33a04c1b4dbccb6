import Testing

@testable import LockProf

@Suite struct StackIDTableTests {
    /// Ids are 1, 2, … in order of first sight, and each hash keeps its id while the table grows
    /// (10 000 hashes in a table that starts with 16 slots), including hashes that collide in
    /// the low bits.
    @Test func idsFollowFirstSightAndSurviveGrowth() {
        var table = StackIDTable(capacity: 16)
        let hashes = (1...10_000).map { UInt64($0) << 40 | UInt64($0 % 7) }
        for (index, hash) in hashes.enumerated() { #expect(table.id(of: hash) == UInt32(index + 1)) }
        #expect(table.count == hashes.count)
        var wrong = 0
        for (index, hash) in hashes.enumerated().reversed() where table.id(of: hash) != UInt32(index + 1) { wrong += 1 }
        #expect(wrong == 0)
        #expect(table.count == hashes.count)
    }
}

import Testing

@testable import LockProfFormat

/// The per-thread tables' backing: zero at first, zero again after ``ZeroFilledWords/zeroAll()``.
@Suite struct ZeroFilledWordsTests {
    @Test func aNewTableReadsZeroAndZeroAllForgetsWhatWasWritten() {
        // 3 pages and a bit: the last page is partly used, the length is not a page multiple.
        let table = ZeroFilledWords(count: 1_600)
        defer { table.deallocate() }
        #expect(table.count == 1_600)
        #expect((0..<table.count).allSatisfy { table.base[$0] == 0 })
        for index in stride(from: 0, to: table.count, by: 97) { table.base[index] = UInt64(index) &+ 1 }
        table.base[table.count - 1] = 42
        #expect(table.base[97] == 98)
        #expect(table.base[table.count - 1] == 42)
        table.zeroAll()
        #expect((0..<table.count).allSatisfy { table.base[$0] == 0 })
        // Still writable after its pages were given back.
        table.base[5] = 7
        #expect(table.base[5] == 7)
    }
}

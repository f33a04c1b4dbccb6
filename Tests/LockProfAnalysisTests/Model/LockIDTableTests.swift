@testable import LockProfAnalysis
import Testing

/// `LockIDTable` must answer as the `[UInt32: Value]` it replaced in `ProcessTrace` did, whatever
/// the ids: dense ones (the runtime's), far ones (a damaged or hostile trace), removals that move
/// the last entry into the gap, and ids that were placed far before the index grew past them.
@Suite struct LockIDTableTests {
    @Test func aLongRandomRunAnswersAsADictionaryDoes() {
        var generator = Generator(seed: 0x6c6f_636b_7072_6f66)
        var table: LockIDTable<Int> = [:]
        var model: [UInt32: Int] = [:]
        for step in 0..<20_000 {
            let id = Self.randomID(&generator)
            if generator.next() % 4 == 0 {
                table[id] = nil
                model[id] = nil
            } else {
                table[id] = step
                model[id] = step
            }
            if step % 997 == 0 { Self.expect(table, answersAs: model) }
        }
        #expect(model.count > 1_000, "the run should hold many ids at once")
        Self.expect(table, answersAs: model)
    }

    @Test func aHostileIdDoesNotGrowTheIndex() {
        var table: LockIDTable<String> = [:]
        table[UInt32.max] = "far"
        table[1 << 30] = "farther in"
        table[3] = "near"
        #expect(table.indexedIDs < 4_200, "the index grew to \(table.indexedIDs) slots for 3 ids")
        #expect(table[UInt32.max] == "far")
        #expect(table[1 << 30] == "farther in")
        #expect(table[3] == "near")
        #expect(table[4] == nil)
        #expect(table.count == 3)
    }

    @Test func anIdPlacedFarIsStillFoundOnceTheIndexHasGrownPastIt() {
        var table: LockIDTable<UInt32> = [:]
        let early: UInt32 = 50_000  // beyond what an empty table indexes
        table[early] = 1
        #expect(table.indexedIDs == 0, "placed in the index, not far: the test no longer tests that")
        // Ids of one residue (as a one-thread program's), indexed by `id >> 3`.
        for id in stride(from: UInt32(8), through: 80_000, by: 8) where id != early { table[id] = id }
        #expect(table.indexedIDs > Int(early >> 3), "the index did not grow past the far id")
        #expect(table[early] == 1)
        table[early] = 2
        #expect(table[early] == 2)
        #expect(table.count == 10_000)
        table[early] = nil
        #expect(table[early] == nil)
        #expect(table.count == 9_999)
        table[early] = 3
        #expect(table[early] == 3)
        #expect(table.keys.count { $0 == early } == 1)
    }

    @Test func removingAnEntryMovesTheLastOneWithoutLosingEither() {
        var table: LockIDTable<String> = [1: "a", 2: "b", 3: "c"]
        let first = table.first!.key
        table[first] = nil
        #expect(table.count == 2)
        #expect(Set(table.keys) == Set([1, 2, 3]).subtracting([first]))
        for (id, value) in table { #expect(value == ["a", "b", "c"][Int(id) - 1]) }
        table[first] = "again"
        #expect(table[first] == "again")
        #expect(table.count == 3)
    }

    @Test func equalityIgnoresInsertionOrderButNotValues() {
        let forward: LockIDTable<Int> = [1: 10, 9: 90, 1_000_000: 7]
        var backward: LockIDTable<Int> = [:]
        for (id, value) in [(1_000_000 as UInt32, 7), (9, 90), (1, 10)] { backward[id] = value }
        #expect(forward == backward)
        backward[9] = 91
        #expect(forward != backward)
        backward[9] = nil
        #expect(forward != backward)
    }

    @Test func mergeCombinesSharedIdsAndKeepsTheRest() {
        var table: LockIDTable<Int> = [1: 1, 2: 2]
        table.merge([2: 20, 3: 30]) { $0 + $1 }
        #expect(table == [1: 1, 2: 22, 3: 30])
        #expect(table[4, default: -1] == -1)
    }

    private static func expect(_ table: LockIDTable<Int>, answersAs model: [UInt32: Int]) {
        #expect(table.count == model.count)
        #expect(table.isEmpty == model.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.key, $0.value) }) == model)
        #expect(Set(table.keys) == Set(model.keys))
        #expect(table.values.sorted() == model.values.sorted())
        for (id, value) in model { #expect(table[id] == value) }
    }

    /// Mostly dense ids, as the runtime numbers them, with some far ones and some repeats.
    private static func randomID(_ generator: inout Generator) -> UInt32 {
        switch generator.next() % 16 {
        case 0: UInt32(truncatingIfNeeded: generator.next())
        case 1: UInt32(generator.next() % 100_000)
        default: UInt32(generator.next() % 4_000) * 8 + 1
        }
    }
}

/// SplitMix64: the same ids on every run.
private struct Generator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The word layout of events in a ``ThreadRing``. In-memory only, never written to a file: the
/// collector turns these into trace records.
///
/// ```
/// header  kind (bits 0–7) | length in words (8–15) | flag (16) | stack present (17, 18) | lock id (32–63)
/// contention  header(flag: timed out; 17: waiter stack, 18: holder stack), time, wait,
///             [waiter stack hash], [holder stack hash]
/// release     header(flag: hold measured from acquisition; 17: holder stack), time, hold,
///             [holder stack hash]
/// stack       header(lock id unused), hash, frames…   (1 ≤ frames ≤ 64)
/// lockOrder   header(lock id: the lock being acquired), id of a lock held, acquiring stack hash
/// ```
struct RingEvent {
    enum Kind: UInt64 {
        case contention = 1
        case release = 2
        case stack = 3
        case lockOrder = 4
    }

    static let maximumWords = 2 + 64
    /// The shortest event: a header and two words (every kind has at least that).
    static let minimumWords = 3

    /// Header bits saying that the first and the second optional stack hash follow the fixed
    /// words. A stack hash is 0 ("not captured") for most events — captures are budgeted — and
    /// is then left out, so a ring holds more events: 3 words instead of 4 or 5.
    static let firstStackPresent: UInt64 = 1 << 17
    static let secondStackPresent: UInt64 = 1 << 18

    /// Writes an event with `fixed` words already in `words[1..<1 + fixed]`, appending the nonzero
    /// stack hashes among `first` and `second`; returns its length in words (header included).
    @inline(__always)
    static func appendStacks(
        _ first: UInt64, _ second: UInt64, to words: UnsafeMutableBufferPointer<UInt64>, fixed: Int, header: inout UInt64
    ) -> Int {
        var length = 1 + fixed
        if first != 0 {
            words[length] = first
            length += 1
            header |= firstStackPresent
        }
        if second != 0 {
            words[length] = second
            length += 1
            header |= secondStackPresent
        }
        return length
    }

    /// The optional stack hashes after `fixed` words (0 for one left out).
    @inline(__always)
    func stacks(afterFixed fixed: Int) -> (first: UInt64, second: UInt64) {
        var index = 1 + fixed
        var first: UInt64 = 0
        var second: UInt64 = 0
        if words[0] & RingEvent.firstStackPresent != 0 {
            first = words[index]
            index += 1
        }
        if words[0] & RingEvent.secondStackPresent != 0 { second = words[index] }
        return (first, second)
    }

    let words: UnsafeBufferPointer<UInt64>

    static func header(kind: Kind, length: Int, flag: Bool, lockID: UInt32) -> UInt64 {
        kind.rawValue | UInt64(length) << 8 | (flag ? 1 << 16 : 0) | UInt64(lockID) << 32
    }

    static func length(ofHeader header: UInt64) -> Int { Int((header >> 8) & 0xFF) }

    var kind: Kind? { Kind(rawValue: words[0] & 0xFF) }
    var flag: Bool { words[0] & (1 << 16) != 0 }
    var lockID: UInt32 { UInt32(truncatingIfNeeded: words[0] >> 32) }
    subscript(index: Int) -> UInt64 { words[index] }
}

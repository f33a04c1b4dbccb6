/// The word layout of events in a ``ThreadRing``. In-memory only, never written to a file: the
/// collector turns these into trace records.
///
/// ```
/// header  kind (bits 0–7) | length in words (8–15) | flag (16) | lock id (32–63)
/// contention  header(flag: timed out), time, wait, waiter stack hash, holder stack hash
/// release     header(flag: hold measured from acquisition), time, hold, holder stack hash
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

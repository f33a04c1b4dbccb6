/// One registry shard's live locks, by number (an id without its shard bits): a two-level table
/// of 4096-entry chunks, allocated when the first lock of a chunk arrives and freed when its last
/// one leaves. Numbers are handed out in order, so creating locks fills chunks front to back:
/// an insertion is an index computation and a store, with no hashing and no allocation but one
/// per 4096 locks; a look-up is two loads. Memory follows the live locks: a chunk whose locks all
/// died is freed (but the last, where numbers are being handed out), and the directory costs
/// 12 bytes per 4096 numbers handed out.
///
/// Not thread-safe: used under its shard's mutex (LockRegistry.swift). The entries are
/// unretained references, valid while the lock is in the table (the registry's protocol).
struct LockTable: @unchecked Sendable {
    // @unchecked Sendable: the chunks are reached only under the shard's mutex.
    static let chunkBits = 12
    static let chunkSize = 1 << chunkBits

    private var chunks: [UnsafeMutablePointer<Unmanaged<LockCore>?>?] = []
    private var liveInChunk: [Int32] = []

    /// The lock with `number`, if it is live.
    subscript(number: Int) -> Unmanaged<LockCore>? {
        let chunk = number >> Self.chunkBits
        guard chunk < chunks.count, let entries = chunks[chunk] else { return nil }
        return entries[number & (Self.chunkSize - 1)]
    }

    /// Adds `core` as `number` (not live: the registry hands each number out once per cycle and
    /// skips live ones after).
    mutating func insert(_ core: Unmanaged<LockCore>, at number: Int) {
        let chunk = number >> Self.chunkBits
        if chunk >= chunks.count {
            // The chunk numbers were handed out in stops being the last: freed now if its locks
            // all died (``remove(at:)`` kept it), or a program creating and destroying locks one
            // at a time would keep every chunk it went through, 8 bytes per lock ever created.
            if let last = chunks.indices.last, liveInChunk[last] == 0, let entries = chunks[last] {
                entries.deallocate()
                chunks[last] = nil
            }
            chunks += repeatElement(nil, count: chunk + 1 - chunks.count)
            liveInChunk += repeatElement(0, count: chunk + 1 - liveInChunk.count)
        }
        let entries: UnsafeMutablePointer<Unmanaged<LockCore>?>
        if let existing = chunks[chunk] {
            entries = existing
        } else {
            entries = .allocate(capacity: Self.chunkSize)
            entries.initialize(repeating: nil, count: Self.chunkSize)
            chunks[chunk] = entries
        }
        entries[number & (Self.chunkSize - 1)] = core
        liveInChunk[chunk] += 1
    }

    /// Removes lock `number`; returns whether it was live.
    @discardableResult
    mutating func remove(at number: Int) -> Bool {
        let chunk = number >> Self.chunkBits
        guard chunk < chunks.count, let entries = chunks[chunk], entries[number & (Self.chunkSize - 1)] != nil else {
            return false
        }
        entries[number & (Self.chunkSize - 1)] = nil
        liveInChunk[chunk] -= 1
        // The last chunk holds the numbers being handed out: kept, or a program that creates and
        // destroys one lock at a time would allocate and clear a chunk per lock.
        if liveInChunk[chunk] == 0, chunk != chunks.count - 1 {
            entries.deallocate()
            chunks[chunk] = nil
        }
        return true
    }

    /// Chunks in the directory (live or freed): ``forEach(inChunk:_:)`` takes 0 up to this.
    var chunkCount: Int { chunks.count }

    /// Chunks allocated now: what the table's memory follows (tests check it stays bounded).
    var allocatedChunkCount: Int { chunks.count { $0 != nil } }

    /// Calls `body` with every live lock, in number order.
    func forEach(_ body: (Unmanaged<LockCore>) -> Void) {
        for chunk in chunks.indices { forEach(inChunk: chunk, body) }
    }

    /// Calls `body` with every live lock of chunk `chunk` (at most ``chunkSize``), in number order.
    func forEach(inChunk chunk: Int, _ body: (Unmanaged<LockCore>) -> Void) {
        guard chunk < chunks.count, liveInChunk[chunk] > 0, let entries = chunks[chunk] else { return }
        for index in 0..<Self.chunkSize {
            if let core = entries[index] { body(core) }
        }
    }
}

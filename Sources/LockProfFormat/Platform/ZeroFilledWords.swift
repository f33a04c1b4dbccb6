/// A fixed table of 64-bit words, all zero at first, whose memory is paid page by page as words
/// are written: a per-thread table that a thread barely uses costs it a page, not the table.
///
/// Backed by a private anonymous mapping (``Posix``): untouched pages are the kernel's shared
/// zero page, and ``zeroAll()`` hands the written pages back (`MADV_DONTNEED`) instead of
/// writing zeros over every one of them. Where the mapping fails it falls back to a heap block
/// that is written with zeros (all its memory paid at once), so the table always exists.
///
/// Not thread-safe: one owner at a time, like the tables it backs (the owning thread's).
package struct ZeroFilledWords {
    /// The first word; `count` words follow.
    package let base: UnsafeMutablePointer<UInt64>
    /// Number of words.
    package let count: Int
    private let bytes: Int
    private let isMapped: Bool

    /// A table of `count` words, all zero. The mapping's length is rounded up to 4 KiB here and
    /// to the kernel's page size by the kernel.
    package init(count: Int) {
        let pageBytes = 4096
        let bytes = (count * MemoryLayout<UInt64>.stride + pageBytes - 1) / pageBytes * pageBytes
        self.count = count
        self.bytes = bytes
        if let address = Posix.mapZeroPages(bytes: bytes) {
            base = address.bindMemory(to: UInt64.self, capacity: count)
            isMapped = true
        } else {
            base = .allocate(capacity: count)
            base.initialize(repeating: 0, count: count)
            isMapped = false
        }
    }

    /// Makes every word zero again, giving the written pages back when mapped.
    package func zeroAll() {
        if isMapped, Posix.discardPages(UnsafeMutableRawPointer(base), bytes: bytes) { return }
        base.update(repeating: 0, count: count)
    }

    /// Frees the table; it must not be used afterwards.
    package func deallocate() {
        if isMapped { Posix.unmap(UnsafeMutableRawPointer(base), bytes: bytes) } else { base.deallocate() }
    }
}

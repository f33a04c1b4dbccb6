import LockProfFormat

/// Which release a contention waited for, found in one pass: ``PreloadTraceConverter`` blames a
/// wait on the last release of the same lock by another thread at or before the wait ended, and
/// walks the releases and the contentions together in time order, passing each release here
/// before any contention that ends at or after it.
///
/// Per lock it keeps two releases: the latest passed, and the latest by a thread other than the
/// latest's. Every release after the second is by the latest's thread, so the second is the
/// answer for a waiter of that thread and the latest is the answer for any other waiter. The cost
/// is one dictionary update per release and one lookup per contention, whatever the number of
/// releases before it (a search back through them per contention cost 60 s for a 1 s program).
struct LatestReleases {
    private struct Latest {
        var release: ReleaseRecord
        var byAnotherThread: ReleaseRecord?
    }

    private var latest: [UInt32: Latest] = [:]

    /// Passes `release`, the latest of its lock so far.
    mutating func pass(_ release: ReleaseRecord) {
        guard let previous = latest[release.lockID] else {
            latest[release.lockID] = Latest(release: release, byAnotherThread: nil)
            return
        }
        let other = previous.release.threadID == release.threadID ? previous.byAnotherThread : previous.release
        latest[release.lockID] = Latest(release: release, byAnotherThread: other)
    }

    /// The latest release of `lockID` passed so far by a thread other than `threadID`.
    func holder(ofLock lockID: UInt32, waitedForBy threadID: UInt32) -> ReleaseRecord? {
        guard let lock = latest[lockID] else { return nil }
        return lock.release.threadID != threadID ? lock.release : lock.byAnotherThread
    }
}

import LockProfFormat
import Synchronization

/// A value protected by a profiled lock, shaped like `Synchronization.Mutex` so that replacing
/// `Mutex(0)` with `ProfiledMutex(0)` compiles unchanged at every call site.
///
/// ```swift
/// let hits = ProfiledMutex(0, name: "hits")
/// hits.withLock { $0 += 1 }
/// ```
///
/// Like `Mutex`, it is not copyable and is `Sendable` whatever its value: the value only crosses
/// threads inside `withLock`, as a `sending` parameter.
public struct ProfiledMutex<Value: ~Copyable>: ~Copyable {
    @usableFromInline let storage: ProfiledMutexStorage<Value>

    /// Creates a mutex holding `initialValue`.
    /// - Parameter name: How reports name the lock; by default its creation site.
    public init(
        _ initialValue: consuming sending Value, name: String? = nil, fileID: StaticString = #fileID,
        line: UInt = #line
    ) {
        storage = ProfiledMutexStorage(initialValue, core: LockCore(kind: .mutex, name: name, fileID: fileID, line: line))
    }

    /// Runs `body` with exclusive access to the value.
    @inlinable @inline(__always)  // into the caller, like Mutex.withLock
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let heldWord = LockCore.lock(storage.word, storage.core)
        return try unlocking(heldWord, after: body)
    }

    /// Runs `body` with exclusive access to the value if the lock is free right now; returns nil
    /// without waiting when it is not.
    @inlinable @inline(__always)  // into the caller, like Mutex.withLock
    public borrowing func withLockIfAvailable<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result? {
        let heldWord = LockCore.tryLock(storage.word, storage.core)
        guard heldWord != 0 else { return nil }
        return try unlocking(heldWord, after: body)
    }

    /// Runs `body` on the value, the lock being held (its acquisition left `heldWord`), and
    /// releases the lock after it, whether it returns or throws. No `defer`: see ProfiledLock.withLock.
    @inlinable @inline(__always)
    borrowing func unlocking<Result: ~Copyable, E: Error>(
        _ heldWord: UInt32, after body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let result: Result
        do {
            result = try body(&storage.value.pointee)
        } catch {
            LockCore.unlock(storage.word, storage.core, heldWord: heldWord)
            throw error
        }
        LockCore.unlock(storage.word, storage.core, heldWord: heldWord)
        return result
    }
}

extension ProfiledMutex: @unchecked Sendable where Value: ~Copyable {}
// @unchecked: the value is reached only under the lock, and passes in and out as `sending`.

/// The lock and the value of a ``ProfiledMutex``. The value lives at a fixed address so that
/// `withLock` reaches it without exclusivity checks; the lock serializes every access.
@usableFromInline
final class ProfiledMutexStorage<Value: ~Copyable>: @unchecked Sendable {
    @usableFromInline let core: LockCore
    /// `core.word`, kept here so that the fast paths reach the word with one load.
    @usableFromInline let word: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let value: UnsafeMutablePointer<Value>

    init(_ initialValue: consuming Value, core: LockCore) {
        self.core = core
        word = core.word
        value = .allocate(capacity: 1)
        value.initialize(to: initialValue)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
    }
}

import Foundation
import LockProf

/// Runs `body(index)` on `count` real threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            body(index)
            group.leave()
        }.start()
    }
    group.wait()
}

/// The snapshot of one lock, found by name.
func snapshot(of name: String) -> LockSnapshot? {
    LockProfiler.snapshot().first { $0.name == name }
}

/// A fresh trace path in a fresh temporary directory.
func temporaryTracePath() -> (path: String, directory: URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-runtime-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return (directory.appendingPathComponent("trace.bin").path, directory)
}

/// A counter whose increments are not atomic: only a working lock keeps it exact.
final class UnsafeCounter: @unchecked Sendable {
    var value = 0
}

/// A value behind a pthread mutex, with `Synchronization.Mutex`'s `withLock` shape.
///
/// The tests' own tallies use it instead of `Mutex`: on Linux `Mutex`'s contended path is taken by
/// the kernel (`FUTEX_LOCK_PI`), which ThreadSanitizer cannot see, so `tools/tsan` reported the
/// values it guarded as races whenever two threads happened to meet on it.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }
}

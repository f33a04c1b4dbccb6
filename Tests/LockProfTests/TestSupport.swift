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

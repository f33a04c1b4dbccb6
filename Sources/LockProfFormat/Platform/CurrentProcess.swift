/// The running process: its environment, and work to do when it exits.
package enum CurrentProcess {
    /// The value of the environment variable `name`, or nil when it is not set.
    package static func environmentValue(_ name: String) -> String? { Posix.environmentValue(name) }

    /// Runs `body` when the process exits normally (`exit`, or returning from `main`), after the
    /// hooks registered later.
    package static func atExit(_ body: @convention(c) () -> Void) { Posix.atExit(body) }

    /// Suspends the calling thread for about `microseconds` (a short poll, never on a lock path).
    package static func sleep(microseconds: UInt32) { Posix.sleep(microseconds: microseconds) }
}

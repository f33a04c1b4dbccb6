/// A program this process runs and waits for, with its standard streams, exit status and signals
/// passed through: what `lockprof record` needs to stand between a shell and the program.
package struct ChildProcess {
    /// How the program ended: its exit code, or the signal that killed it.
    package enum Ending: Equatable {
        case exited(Int32)
        case killed(bySignal: Int32)
    }

    /// The child's process id.
    package let pid: Int32

    /// Starts `program` (looked up on PATH unless it holds a `/`) with `arguments` and
    /// `environment` (`NAME=value`), inheriting the standard streams. From then on an interrupt
    /// or quit from the terminal is left to the child, and terminate and hang-up are forwarded.
    package static func start(_ program: String, arguments: [String], environment: [String]) throws(SystemError) -> ChildProcess {
        let pid = try Posix.spawn(program, arguments: arguments, environment: environment)
        Posix.passSignals(to: pid)
        return ChildProcess(pid: pid)
    }

    /// Waits for the program to end.
    package func wait() throws(SystemError) -> Ending {
        let ending = try Posix.waitForExit(pid)
        if let signal = ending.signal { return .killed(bySignal: signal) }
        return .exited(ending.code ?? 0)
    }

    /// The environment of this process, `NAME=value` strings.
    package static var currentEnvironment: [String] { Posix.environment() }

    /// Ends this process by `signal`, with that signal's default action (as a program killed by
    /// it ends): for a command that ran a program that was killed.
    package static func terminate(bySignal signal: Int32) -> Never { Posix.terminate(bySignal: signal) }
}

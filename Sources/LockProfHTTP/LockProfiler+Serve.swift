import Foundation
import LockProf
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension LockProfiler {
    /// The endpoint started by ``serve(address:)`` or ``serveIfRequested()``, kept for the
    /// process's life.
    private static let server = Mutex<ProfileServer?>(nil)

    /// Serves the lock profiles at `address` (`127.0.0.1:6060`): `/debug/pprof/mutex`,
    /// `/debug/pprof/block`, `/debug/lockprof/locks`. Starts recording at the `profile` level when
    /// nothing records yet. A non-loopback host needs `LOCKPROF_HTTP_ALLOW_REMOTE=1`.
    @discardableResult
    public static func serve(address: String) throws(ServeError) -> ProfileServer {
        let parsed = try ServeAddress(parsing: address)
        let allowRemote = getenv("LOCKPROF_HTTP_ALLOW_REMOTE").map { String(cString: $0) == "1" } ?? false
        let started = try ProfileServer(address: parsed, allowRemote: allowRemote)
        if !isRecording { try? start(level: .profile) }
        let previous = server.withLock { server in defer { server = started }; return server }
        previous?.close()
        return started
    }

    /// What a program calls once at startup to honour `LOCKPROF_HTTP=127.0.0.1:6060`: serves
    /// there (one line on standard error says where), or says in one line why not. Does nothing
    /// when the variable is unset. (`LockProf` cannot start the endpoint itself: it does not
    /// depend on SwiftNIO, so programs that do not serve pull no NIO.)
    @discardableResult
    public static func serveIfRequested() -> ProfileServer? {
        guard let raw = getenv("LOCKPROF_HTTP"), raw.pointee != 0 else { return nil }
        let address = String(cString: raw)
        do {
            let started = try serve(address: address)
            warn("lockprof: serving lock profiles at \(started.url)/debug/pprof/mutex")
            return started
        } catch {
            warn("lockprof: LOCKPROF_HTTP: \(error)")
            return nil
        }
    }

    /// One line on standard error.
    private static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

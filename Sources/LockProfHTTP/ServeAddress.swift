/// Where the profile endpoint listens: `host:port` (`127.0.0.1:6060`, `localhost:6060`,
/// `[::1]:6060`). Only loopback hosts are served unless remote serving is allowed explicitly.
public struct ServeAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Parses `host:port`; port 0 asks the system for a free port.
    public init(parsing text: String) throws(ServeError) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .badAddress(text) }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .badAddress(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard let port = Int(portText), (0...65_535).contains(port) else { throw .badAddress(text) }
        self.host = String(host)
        self.port = port
    }

    /// Whether only this machine can reach the host: `localhost`, 127.0.0.0/8 or `::1`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why the endpoint does not serve.
public enum ServeError: Error, Equatable, CustomStringConvertible {
    /// The address is not `host:port`.
    case badAddress(String)
    /// The host is reachable from other machines and `LOCKPROF_HTTP_ALLOW_REMOTE=1` is not set.
    case remoteNotAllowed(String)
    /// Binding failed (address in use, no such interface).
    case cannotBind(String, reason: String)

    public var description: String {
        switch self {
        case .badAddress(let text): "'\(text)' is not host:port (e.g. 127.0.0.1:6060)"
        case .remoteNotAllowed(let text):
            "refusing to serve lock profiles on non-loopback address \(text); set LOCKPROF_HTTP_ALLOW_REMOTE=1 to allow it"
        case .cannotBind(let text, let reason): "cannot listen on \(text): \(reason)"
        }
    }
}

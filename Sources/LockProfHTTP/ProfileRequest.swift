import Foundation
import LockProf

/// What one GET asks the endpoint for, parsed from its request target; pure, so every route and
/// bad input is tested without a socket.
enum ProfileRequest: Equatable {
    /// `/debug/pprof/mutex` (holder) or `/debug/pprof/block` (waiter): cumulative, or the delta
    /// over the next `seconds`; `debug` ≥ 1 asks for text.
    case profile(side: ProfileSide, seconds: Int?, debug: Int)
    /// `/debug/lockprof/locks`: per-lock figures as JSON.
    case locks
    /// `/debug/pprof/` and `/debug/lockprof/`: the list of what is served.
    case index
    case notFound(String)
    case badRequest(String)

    /// The longest `?seconds=` accepted (Go's server allows up to its write timeout).
    static let maximumSeconds = 600

    init(target: String) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[String(keyValue[0])] = keyValue.count > 1 ? String(keyValue[1]) : ""
            }
        }
        switch path {
        case "/debug/pprof/mutex", "/debug/pprof/block":
            let side: ProfileSide = path.hasSuffix("mutex") ? .holder : .waiter
            var seconds: Int?
            if let text = query["seconds"] {
                guard let value = Int(text), value > 0, value <= Self.maximumSeconds else {
                    self = .badRequest("seconds must be an integer from 1 to \(Self.maximumSeconds), not '\(text)'")
                    return
                }
                seconds = value
            }
            var debug = 0
            if let text = query["debug"] {
                guard let value = Int(text), value >= 0 else {
                    self = .badRequest("debug must be a non-negative integer, not '\(text)'")
                    return
                }
                debug = value
            }
            self = .profile(side: side, seconds: seconds, debug: debug)
        case "/debug/lockprof/locks": self = .locks
        case "/debug/pprof", "/debug/pprof/", "/debug/lockprof", "/debug/lockprof/": self = .index
        default: self = .notFound(path)
        }
    }

    static let indexText = """
        lockprof endpoints:
          /debug/pprof/mutex    holder stacks: who held locks while others waited (pprof; ?seconds=N, ?debug=1)
          /debug/pprof/block    waiter stacks: who waited for locks (pprof; ?seconds=N, ?debug=1)
          /debug/lockprof/locks per-lock figures, who waits and who holds now (JSON)

        """
}

import LockProf
import NIOHTTP1

/// A response of the endpoint, computed from the running process: status, type and body.
struct ProfileResponse {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var contentDisposition: String?

    static func text(_ status: HTTPResponseStatus, _ text: String) -> ProfileResponse {
        ProfileResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    /// The answer to a request that needs no waiting.
    static func answer(_ route: ProfileRequest) -> ProfileResponse {
        switch route {
        case .profile(let side, _, let debug): profile(side: side, since: nil, debug: debug)
        case .locks: ProfileResponse(status: .ok, contentType: "application/json", body: Array(LocksJSON.render().utf8))
        case .index: text(.ok, ProfileRequest.indexText)
        case .notFound(let path): text(.notFound, "no such profile: \(path)\n" + ProfileRequest.indexText)
        case .badRequest(let reason): text(.badRequest, reason + "\n")
        }
    }

    /// The profile of `side` (since `since`): pprof bytes, or Go's debug text when `debug` > 0.
    static func profile(side: ProfileSide, since: ContentionProfileSnapshot?, debug: Int) -> ProfileResponse {
        if debug > 0 { return text(.ok, LockProfiler.pprofText(side: side, since: since)) }
        let name = side == .holder ? "mutex" : "block"
        return ProfileResponse(
            status: .ok, contentType: "application/octet-stream", body: LockProfiler.pprof(side: side, since: since),
            contentDisposition: "attachment; filename=\"\(name)\"")
    }
}

import LockProf
import Testing

@testable import LockProfHTTP

@Suite struct ProfileRequestTests {
    @Test func routesNameTheirSideSecondsAndDebug() {
        #expect(ProfileRequest(target: "/debug/pprof/mutex") == .profile(side: .holder, seconds: nil, debug: 0))
        #expect(ProfileRequest(target: "/debug/pprof/block?seconds=5") == .profile(side: .waiter, seconds: 5, debug: 0))
        #expect(ProfileRequest(target: "/debug/pprof/mutex?debug=1&seconds=2") == .profile(side: .holder, seconds: 2, debug: 1))
        #expect(ProfileRequest(target: "/debug/lockprof/locks") == .locks)
        #expect(ProfileRequest(target: "/debug/pprof/") == .index)
        #expect(ProfileRequest(target: "/debug/pprof/heap") == .notFound("/debug/pprof/heap"))
    }

    @Test(arguments: ["seconds=0", "seconds=-1", "seconds=x", "seconds=", "seconds=601", "debug=no"])
    func badParametersAreRefusedWithTheReason(_ query: String) {
        guard case .badRequest(let reason) = ProfileRequest(target: "/debug/pprof/mutex?" + query) else {
            Issue.record("\(query) accepted")
            return
        }
        #expect(reason.contains(query.split(separator: "=")[0]))
    }

    @Test func addressesParseAndOnlyLoopbackIsServedByDefault() throws {
        #expect(try ServeAddress(parsing: "127.0.0.1:6060") == ServeAddress(host: "127.0.0.1", port: 6060))
        #expect(try ServeAddress(parsing: "[::1]:0").host == "::1")
        #expect(try ServeAddress(parsing: ":7070").host == "127.0.0.1")
        #expect(try ServeAddress(parsing: "localhost:1").isLoopback)
        #expect(try !ServeAddress(parsing: "0.0.0.0:6060").isLoopback)
        #expect(throws: ServeError.badAddress("6060")) { try ServeAddress(parsing: "6060") }
        #expect(throws: ServeError.badAddress("a:b")) { try ServeAddress(parsing: "a:b") }
        #expect(throws: ServeError.remoteNotAllowed("0.0.0.0:0")) {
            try ProfileServer(address: ServeAddress(parsing: "0.0.0.0:0"))
        }
    }
}

extension ServeAddress {
    init(host: String, port: Int) {
        try! self.init(parsing: "\(host):\(port)")
    }
}

@Suite struct ServeEnvironmentTests {
    @Test func aNonLoopbackAddressIsRefusedWithOneLine() throws {
        let run = try runProfileServer(environment: ["LOCKPROF_HTTP": "0.0.0.0:0"])
        #expect(run.status == 2)
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.first == "lockprof: LOCKPROF_HTTP: refusing to serve lock profiles on non-loopback address 0.0.0.0:0; set LOCKPROF_HTTP_ALLOW_REMOTE=1 to allow it")
        let allowed = try runProfileServer(environment: ["LOCKPROF_HTTP": "0.0.0.0:0", "LOCKPROF_HTTP_ALLOW_REMOTE": "1"])
        #expect(allowed.status == 0, "\(allowed.standardError)")
        #expect(allowed.standardError.hasPrefix("lockprof: serving lock profiles at http://0.0.0.0:"))
    }

    @Test func aMalformedAddressIsNamed() throws {
        let run = try runProfileServer(environment: ["LOCKPROF_HTTP": "6060"])
        #expect(run.status == 2)
        #expect(run.standardError.hasPrefix("lockprof: LOCKPROF_HTTP: '6060' is not host:port (e.g. 127.0.0.1:6060)\n"))
    }
}

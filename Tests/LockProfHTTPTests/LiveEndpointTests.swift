import Foundation
import Testing

/// The endpoint of a running program (`profile-server`, a child process with
/// `LOCKPROF_HTTP=127.0.0.1:0`), read as fleets read it: by `go tool pprof` over HTTP, plus
/// the JSON and text routes. Its work is fixed — 5 threads × 20 acquisitions of
/// `server.account` per round — so acquisitions are exact, and the profile's contentions must
/// equal the lock's exact contended count.
@Suite(.serialized, .disabled(if: GoTool.skipped, "no go and no apt-get to install it (tools/ensure-dependencies)"))
struct LiveEndpointTests {
    @Test func goToolPprofTopShowsTheHolderFramesAndTheLockLabel() throws {
        let server = try ProfileServerProcess()
        defer { server.stop() }
        let go = try #require(GoTool.path, "go missing: run tools/ensure-dependencies")
        _ = go
        let top = try #require(try runGo(["tool", "pprof", "-top", server.url + "/debug/pprof/mutex"]))
        #expect(top.status == 0, "\(top.output)")
        #expect(top.output.contains("Type: delay"), "\(top.output)")
        #expect(top.output.contains("Account.deposit"), "\(top.output)")
        #expect(top.output.contains("Account.audit"), "\(top.output)")
        #expect(!top.output.contains("LockCore"), "profiler frames are trimmed: \(top.output)")
        let tags = try #require(try runGo(["tool", "pprof", "-tags", server.url + "/debug/pprof/mutex"]))
        #expect(tags.output.contains("server.account"), "\(tags.output)")
        #expect(tags.output.contains("lock_kind"), "\(tags.output)")
        #expect(tags.output.contains("mutex"), "\(tags.output)")
    }

    @Test func everyContentionIsCountedOnBothSidesExactly() throws {
        let server = try ProfileServerProcess()
        defer { server.stop() }
        let lock = try accountFigures(server)
        #expect(lock.acquisitions == 100)
        #expect(lock.contended > 0)
        for side in ["mutex", "block"] {
            let total = try #require(try totalContentions(server.url + "/debug/pprof/\(side)"))
            #expect(total == lock.contended, "\(side)")
            let text = fetch(server.url + "/debug/pprof/\(side)?debug=1")
            let samples = DebugText(String(decoding: text.body, as: UTF8.self))
            #expect(samples.contentions(of: "server.account") == lock.contended)
            #expect(samples.delay(of: "server.account") == lock.waitNanoseconds)
        }
    }

    @Test func secondsAnswersWithTheDeltaOfTheNextSeconds() throws {
        let server = try ProfileServerProcess()
        defer { server.stop() }
        let before = try accountFigures(server)
        // The window (10 s) opens when the server receives the request, well before the round of
        // work 1 s later, and closes well after it, even on a loaded machine.
        let delta = startFetch(server.url + "/debug/pprof/mutex?seconds=10&debug=1")
        Thread.sleep(forTimeInterval: 1)
        try server.work()
        let after = try accountFigures(server)
        #expect(after.acquisitions == 200)
        let samples = DebugText(String(decoding: delta().body, as: UTF8.self))
        #expect(samples.contentions(of: "server.account") == after.contended - before.contended)
        #expect(samples.delay(of: "server.account") == after.waitNanoseconds - before.waitNanoseconds)
        // go tool pprof's -seconds asks for the same window: an empty one here, nothing changes.
        let quiet = try #require(try totalContentions(server.url + "/debug/pprof/mutex", seconds: 1))
        #expect(quiet == 0)
    }

    @Test func debugTextAndTheBlockSideNameTheWaitersAndTheLock() throws {
        let server = try ProfileServerProcess()
        defer { server.stop() }
        let text = String(decoding: fetch(server.url + "/debug/pprof/block?debug=1").body, as: UTF8.self)
        #expect(text.hasPrefix("--- contention:\ncycles/second=1000000000\n"), "\(text)")
        #expect(text.contains("# lock=server.account lock_kind=mutex"), "\(text)")
        // Foundation's thread start has no debug information: no file rather than the symbol
        // table's guess (SymbolRecord.knownFile), as the report prints it.
        #expect(text.contains("Foundation.Thread.main()"), "\(text)")
        #expect(!text.contains("crtstuff.c"), "\(text)")
        let top = try #require(try runGo(["tool", "pprof", "-top", url(server, "block")]))
        #expect(top.status == 0, "\(top.output)")
        #expect(top.output.contains("Account.deposit"), "\(top.output)")
        let missing = fetch(server.url + "/debug/pprof/heap")
        #expect(missing.status == 404)
        let bad = fetch(server.url + "/debug/pprof/mutex?seconds=zero")
        #expect(bad.status == 400)
    }

    /// While `server-waiter` sleeps on `server.inner` holding `server.outer` (and `server-holder`,
    /// waiting for nothing, holds `server.inner`), `/debug/lockprof/locks` names the waiter under
    /// `server.inner` and, because the waiter published what it holds, the holder of
    /// `server.outer`; the holder of `server.inner` waits for nothing, so it is not known. Once
    /// the wait is over the counts are exact and nobody is listed.
    @Test func locksShowsWhoWaitsAndTheHoldersThatWaitWhileTheWaitLasts() throws {
        let server = try ProfileServerProcess()
        defer { server.stop() }
        let answer = try server.send("wait").split(separator: " ")
        try #require(answer.count == 3 && answer[0] == "waiting", "\(answer)")
        let thread = try #require(Int(answer[1])), tid = try #require(Int(answer[2]))

        let during = try locksByName(server)
        let inner = try #require(during["server.inner"]), outer = try #require(during["server.outer"])
        let waiters = try #require(inner["waiters"] as? [[String: Any]])
        #expect(waiters.count == 1)
        #expect(waiters.first?["thread"] as? Int == thread)
        #expect(waiters.first?["tid"] as? Int == tid)
        #expect(waiters.first?["thread_name"] as? String == "server-waiter")
        #expect((waiters.first?["waiting_ns"] as? Int ?? 0) > 0)
        #expect((inner["holders"] as? [Any])?.isEmpty == true, "server-holder waits for nothing: not known")
        #expect(inner["contended"] as? Int == 0, "a wait is counted when it ends")
        #expect((outer["waiters"] as? [Any])?.isEmpty == true)
        let holders = try #require(outer["holders"] as? [[String: Any]])
        #expect(holders.count == 1)
        #expect(holders.first?["thread"] as? Int == thread)
        #expect(holders.first?["waits_for"] as? Int == inner["id"] as? Int)
        // A lock's first acquisition (made while recording) is a sampled, timed hold: its length is known.
        #expect((holders.first?["held_ns"] as? Int ?? 0) > 0, "\(holders)")

        #expect(try server.send("release") == "done")
        let after = try locksByName(server)
        let innerAfter = try #require(after["server.inner"]), outerAfter = try #require(after["server.outer"])
        #expect(innerAfter["acquisitions"] as? Int == 2)
        #expect(innerAfter["contended"] as? Int == 1)
        #expect(outerAfter["acquisitions"] as? Int == 1)
        #expect(outerAfter["contended"] as? Int == 0)
        for lock in [innerAfter, outerAfter] {
            #expect((lock["waiters"] as? [Any])?.isEmpty == true)
            #expect((lock["holders"] as? [Any])?.isEmpty == true)
        }
    }

    private func url(_ server: ProfileServerProcess, _ side: String) -> String { server.url + "/debug/pprof/" + side }
}

/// `/debug/lockprof/locks`' lock objects by name.
func locksByName(_ server: ProfileServerProcess) throws -> [String: [String: Any]] {
    let (status, body) = fetch(server.url + "/debug/lockprof/locks")
    #expect(status == 200)
    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    let locks = try #require(object["locks"] as? [[String: Any]])
    return Dictionary(locks.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
}

/// `server.account`'s figures from `/debug/lockprof/locks`.
struct AccountFigures {
    var acquisitions: UInt64
    var contended: UInt64
    var waitNanoseconds: UInt64
}

func accountFigures(_ server: ProfileServerProcess) throws -> AccountFigures {
    let (status, body) = fetch(server.url + "/debug/lockprof/locks")
    #expect(status == 200)
    let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    #expect(object["recording_level"] as? String == "profile")
    let locks = try #require(object["locks"] as? [[String: Any]])
    let lock = try #require(locks.first { $0["name"] as? String == "server.account" })
    func number(_ key: String) throws -> UInt64 { UInt64(try #require(lock[key] as? Int)) }
    return AccountFigures(
        acquisitions: try number("acquisitions"), contended: try number("contended") + (try number("timeouts")),
        waitNanoseconds: try number("wait_ns"))
}

/// The profile's total contentions as `go tool pprof -top -sample_index=contentions` reports it
/// (`… of N total`); nil when Go is missing.
func totalContentions(_ url: String, seconds: Int? = nil) throws -> UInt64? {
    var arguments = ["tool", "pprof", "-top", "-sample_index=contentions"]
    if let seconds { arguments += ["-seconds", String(seconds)] }
    guard let result = try runGo(arguments + [url]) else { return nil }
    guard let range = result.output.range(of: #"of (\d+) total"#, options: .regularExpression) else {
        // An empty profile: pprof prints no nodes line.
        return result.output.contains("Showing nodes") ? nil : 0
    }
    let digits = result.output[range].split(separator: " ")[1]
    return UInt64(digits)
}

/// Go's `?debug=1` text, summed per lock: `delay count @ …` lines followed by `# lock=NAME …`.
struct DebugText {
    var samples: [(lock: String, delay: UInt64, count: UInt64)] = []

    init(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where line.contains(" @ ") && index + 1 < lines.count {
            let fields = line.split(separator: " ")
            guard let delay = UInt64(fields[0]), let count = UInt64(fields[1]), lines[index + 1].hasPrefix("# lock=") else { continue }
            let lock = lines[index + 1].dropFirst("# lock=".count).split(separator: " lock_kind=")[0]
            samples.append((String(lock), delay, count))
        }
    }

    func contentions(of lock: String) -> UInt64 { samples.filter { $0.lock == lock }.map(\.count).reduce(0, +) }
    func delay(of lock: String) -> UInt64 { samples.filter { $0.lock == lock }.map(\.delay).reduce(0, +) }
}

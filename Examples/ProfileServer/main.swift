// A program that leaves lockprof on and serves its lock profiles, as a server in production
// would: one call at startup honours LOCKPROF_HTTP (and starts the `profile` level).
//
//     LOCKPROF_HTTP=127.0.0.1:6060 .build/debug/profile-server
//     go tool pprof -top http://127.0.0.1:6060/debug/pprof/mutex
//
// It runs one round of contended work (tellers withdrawing from one account, whose withdrawal
// sleeps under the lock; an auditor summing it), prints `ready <url>`, then runs another round
// for every `work` line on standard input (answering `done`), and exits at end of input. A
// `wait` line holds one thread asleep on `server.inner` while it holds `server.outer`
// (``LiveWait``), answering `waiting <thread> <tid>` once lockprof sees it; `release` ends that
// wait (answering `done`).
import Foundation
import LockProf
import LockProfHTTP

/// An account whose withdrawal talks to a slow ledger while holding the account's lock.
final class Account: @unchecked Sendable {
    private let lock = ProfiledLock(name: "server.account")
    private var balance = 0

    @inline(never)
    func deposit(_ amount: Int) {
        lock.withLock {
            usleep(1_000)  // the ledger round trip, under the lock
            balance += amount
        }
    }

    @inline(never)
    func audit() -> Int {
        lock.withLock {
            usleep(3_000)  // a slow consistency check, under the lock
            return balance
        }
    }
}

let account = Account()

/// Four tellers and one auditor on real threads, until all are done.
func runRound() {
    let done = DispatchGroup()
    for index in 0..<5 {
        done.enter()
        Thread {
            for _ in 0..<20 {
                if index == 0 { _ = account.audit() } else { account.deposit(1) }
            }
            done.leave()
        }.start()
    }
    done.wait()
}

/// One line on standard output, written at once (the tests read it through a pipe).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

guard let server = LockProfiler.serveIfRequested() else {
    FileHandle.standardError.write(Data("profile-server: set LOCKPROF_HTTP=127.0.0.1:PORT\n".utf8))
    exit(2)
}
runRound()
say("ready \(server.url)")
var liveWait: LiveWait?
while let line = readLine() {
    switch line {
    case "work":
        runRound()
        say("done")
    case "wait":
        let wait = LiveWait()
        liveWait = wait
        guard let seen = wait.begin() else {
            say("not seen; waits: \(LockProfiler.currentWaits().map { "\($0.threadName) on \($0.lockName ?? "?")" })")
            continue
        }
        say("waiting \(seen.threadID) \(seen.systemThreadID)")
    case "release":
        liveWait?.end()  // kept: its locks stay live, so /debug/lockprof/locks still lists them
        say("done")
    default:
        break
    }
}

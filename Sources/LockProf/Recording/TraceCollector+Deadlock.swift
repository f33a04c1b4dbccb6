import CLockProfSupport
import LockProfFormat

extension TraceCollector {
    /// Writes a `deadlock` record for `cycle` (with the thread and lock records it names) and
    /// flushes at once: a hung process is usually killed, and the record must survive that. Call
    /// right after a drain, so the stacks the waiters captured before sleeping are defined.
    func writeDeadlock(_ cycle: [DeadlockWatchdog.Waiter], at now: UInt64) {
        for waiter in cycle {
            writeThreadRecordIfNeeded(waiter.ring)
            writeLockRecordIfNeeded(waiter.wait.lockID)
            for lock in waiter.wait.held { writeLockRecordIfNeeded(lock) }
        }
        let waiters = cycle.map { waiter in
            DeadlockRecord.Waiter(
                threadID: waiter.ring.serial, waitsForLockID: waiter.wait.lockID, heldLockIDs: waiter.wait.held,
                waitNanoseconds: now &- waiter.wait.since, stackID: stackID(waiter.wait.stack))
        }
        write(.deadlock(DeadlockRecord(timeNanoseconds: now, waiters: waiters)))
        flush()
    }

    /// Writes a `stall` record for `stalled` (with the thread and lock records it names) and
    /// flushes at once, as ``writeDeadlock(_:at:)`` does.
    func writeStall(_ stalled: DeadlockWatchdog.Waiter, at now: UInt64) {
        writeThreadRecordIfNeeded(stalled.ring)
        writeLockRecordIfNeeded(stalled.wait.lockID)
        for lock in stalled.wait.held { writeLockRecordIfNeeded(lock) }
        let waiter = DeadlockRecord.Waiter(
            threadID: stalled.ring.serial, waitsForLockID: stalled.wait.lockID, heldLockIDs: stalled.wait.held,
            waitNanoseconds: now &- stalled.wait.since, stackID: stackID(stalled.wait.stack))
        write(.stall(StallRecord(timeNanoseconds: now, waiter: waiter)))
        flush()
    }
}

/// The deadlock report printed on standard error when the watchdog finds a cycle: each thread,
/// the locks it holds, the lock it waits for, and where it waits, symbolized in-process.
enum DeadlockStderrReport {
    /// The report's text, one thread after another in wait order.
    static func text(of cycle: [DeadlockWatchdog.Waiter], at now: UInt64, tracePath: String) -> String {
        var lines = ["lockprof: DEADLOCK: \(cycle.count) thread\(cycle.count == 1 ? "" : "s") wait for each other in a cycle:"]
        for waiter in cycle {
            let held = waiter.wait.held.filter { lock in cycle.contains { $0.wait.lockID == lock } }
            let seconds = Double(now &- waiter.wait.since) / 1e9
            let name = waiter.ring.name.isEmpty ? "" : " '\(waiter.ring.name)'"
            lines.append(
                "  thread \(waiter.ring.serial)\(name) (tid \(waiter.ring.systemThreadID)) holds \(held.map(describe).joined(separator: ", "))"
                    + ", waits for \(describe(waiter.wait.lockID)) since \(String(format: "%.2f", seconds)) s, at:")
            lines += frames(of: waiter.wait.stack).map { "      \($0)" }
        }
        lines.append("lockprof: deadlock record written to \(tracePath); the program is left running")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report of one stalled wait: the thread, the lock it waits for and since when, where.
    static func text(ofStall stalled: DeadlockWatchdog.Waiter, at now: UInt64, tracePath: String) -> String {
        let seconds = Double(now &- stalled.wait.since) / 1e9
        let name = stalled.ring.name.isEmpty ? "" : " '\(stalled.ring.name)'"
        var lines = [
            "lockprof: STALLED: thread \(stalled.ring.serial)\(name) (tid \(stalled.ring.systemThreadID)) waits for "
                + "\(describe(stalled.wait.lockID)) since \(String(format: "%.2f", seconds)) s, in no deadlock cycle, at:"
        ]
        lines += frames(of: stalled.wait.stack).map { "      \($0)" }
        lines.append("lockprof: stall record written to \(tracePath); the program is left running")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ lockID: UInt32) -> String {
        guard let identity = LockRegistry.shared.identity(of: lockID) else { return "lock \(lockID)" }
        return identity.name == identity.site ? "'\(identity.name)'" : "'\(identity.name)' (\(identity.site))"
    }

    /// The waiter's frames below lockprof's own (functions of the `LockProf` module), at most ``maximumFrames``.
    private static func frames(of stack: UInt64) -> [String] {
        guard let addresses = ContentionProfile.shared.stacks.addresses(of: stack) else { return ["(stack not captured)"] }
        let symbols = ProfileSymbols.shared.frames(of: Set(addresses))
        let described = addresses.map { address -> (String, Bool) in
            guard let frame = symbols[address] else { return ("0x" + String(address, radix: 16), false) }
            let place = frame.file.isEmpty || frame.line == 0 ? "" : " (\(frame.file):\(frame.line))"
            return (frame.function + place, isLockProf(frame.function))
        }
        return Array(described.drop { $0.1 }.prefix(maximumFrames).map(\.0))
    }

    static let maximumFrames = 12

    /// Whether a demangled name is a function of the `LockProf` module (or a closure in one).
    private static func isLockProf(_ function: String) -> Bool {
        // `closure #1 (…) in static LockProf.X.f()`: the closure's owner; names may hold `(capture in _…)`.
        let closureOwner = function.hasPrefix("closure #") ? function.range(of: " in ").map { String(function[$0.upperBound...]) } : nil
        let owner = closureOwner ?? function
        let name = owner.hasPrefix("static ") ? owner.dropFirst(7) : Substring(owner)
        return name.hasPrefix("LockProf.")
    }
}

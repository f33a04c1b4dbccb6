import LockProf

/// `/debug/lockprof/locks`: every live lock's exact counters, in the report schema's terms
/// (docs/report-schema.md: `name`, `kind`, `acquisitions`, `contended`, `wait_ns`, …), ranked by
/// `wait_ns`. Counts are since each lock's creation; waits and holds since recording began.
///
/// Each lock also says who waits for it now (`waiters`: thread and `waiting_ns`, longest first)
/// and who holds it, as far as that is known (`holders`): a holder is known only when it is itself
/// waiting for another lock, since that is when a thread publishes what it holds
/// (``LockProfiler/currentWaits()``); its `held_ns` only when the hold is timed
/// (``LockProfiler/currentHoldNanoseconds(of:)``), else null. docs/fleet.md says the same for users.
enum LocksJSON {
    static func render() -> String {
        let locks = LockProfiler.snapshot().sorted {
            ($0.waitNanoseconds, $1.lockID) > ($1.waitNanoseconds, $0.lockID)
        }
        let now = CurrentWaits(LockProfiler.currentWaits())
        let level = LockProfiler.level.map { "\"\($0.rawValue)\"" } ?? "null"
        return "{\n  \"schema\": 1,\n  \"recording_level\": \(level),\n  \"locks\": ["
            + locks.map { lockObject($0, now) }.joined(separator: ",") + (locks.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    private static func lockObject(_ lock: LockSnapshot, _ now: CurrentWaits) -> String {
        let waiters = (now.waiters[lock.lockID] ?? []).map { wait in
            object([("thread", "\(wait.threadID)"), ("tid", "\(wait.systemThreadID)"), ("thread_name", quoted(wait.threadName)),
                    ("waiting_ns", "\(wait.waitedNanoseconds)")])
        }
        let holders = (now.holders[lock.lockID] ?? []).map { wait in
            object([("thread", "\(wait.threadID)"), ("tid", "\(wait.systemThreadID)"), ("thread_name", quoted(wait.threadName)),
                    ("held_ns", LockProfiler.currentHoldNanoseconds(of: lock.lockID).map(String.init) ?? "null"),
                    ("waits_for", "\(wait.lockID)")])
        }
        let fields: [(String, String)] = [
            ("name", quoted(lock.name)), ("kind", quoted("\(lock.kind)")), ("acquisitions", "\(lock.acquisitions)"),
            ("contended", "\(lock.contendedAcquisitions)"), ("wait_ns", "\(lock.waitNanoseconds)"),
            ("wait_max_ns", "\(lock.maximumWaitNanoseconds)"), ("hold_ns", estimatedHold(lock).map(String.init) ?? "null"),
            ("failed_try_locks", "\(lock.failedTryLocks)"), ("timeouts", "\(lock.timeouts)"), ("site", quoted(lock.site)),
            ("id", "\(lock.lockID)"), ("waiters", "[" + waiters.joined(separator: ", ") + "]"),
            ("holders", "[" + holders.joined(separator: ", ") + "]"),
        ]
        return "\n    " + object(fields)
    }

    private static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The waits of one moment, by the lock waited for and by each lock the waiters hold.
    private struct CurrentWaits {
        var waiters: [UInt32: [LockWait]] = [:]
        var holders: [UInt32: [LockWait]] = [:]

        init(_ waits: [LockWait]) {
            for wait in waits.sorted(by: { ($0.waitedNanoseconds, $1.threadID) > ($1.waitedNanoseconds, $0.threadID) }) {
                waiters[wait.lockID, default: []].append(wait)
                for held in Set(wait.heldLockIDs) { holders[held, default: []].append(wait) }
            }
        }
    }

    /// The report's mean-hold estimate: blocking holds exactly, the others at the sampled mean.
    static func estimatedHold(_ lock: LockSnapshot) -> UInt64? {
        guard lock.acquisitions > 0 else { return nil }
        let others = lock.acquisitions &- min(lock.blockingHolds, lock.acquisitions)
        if others > 0 && lock.sampledHolds == 0 { return nil }
        let sampled = others == 0 ? 0 : Double(others) * Double(lock.sampledHoldNanoseconds) / Double(lock.sampledHolds)
        return UInt64((Double(lock.blockingHoldNanoseconds) + sampled) / Double(lock.acquisitions))
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

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
        // One string, appended to in place: 10 000 locks are about 2.6 MB of JSON, and building
        // each lock's fields as strings of their own and joining them cost twice as much.
        var json = "{\n  \"schema\": 1,\n  \"recording_level\": \(level),\n  \"locks\": ["
        json.reserveCapacity(locks.count * 320 + 64)
        for (index, lock) in locks.enumerated() {
            json += index == 0 ? "\n    " : ",\n    "
            appendLockObject(lock, now, to: &json)
        }
        json += locks.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return json
    }

    private static func appendLockObject(_ lock: LockSnapshot, _ now: CurrentWaits, to json: inout String) {
        json += "{\"name\": "
        appendQuoted(lock.name, to: &json)
        json += ", \"kind\": \"\(lock.kind)\", \"acquisitions\": \(lock.acquisitions), \"contended\": \(lock.contendedAcquisitions)"
        json += ", \"wait_ns\": \(lock.waitNanoseconds), \"wait_max_ns\": \(lock.maximumWaitNanoseconds), \"hold_ns\": "
        json += estimatedHold(lock).map(String.init) ?? "null"
        json += ", \"failed_try_locks\": \(lock.failedTryLocks), \"timeouts\": \(lock.timeouts), \"site\": "
        appendQuoted(lock.site, to: &json)
        json += ", \"id\": \(lock.lockID), \"waiters\": ["
        for (index, wait) in (now.waiters[lock.lockID] ?? []).enumerated() {
            json += (index == 0 ? "" : ", ") + "{\"thread\": \(wait.threadID), \"tid\": \(wait.systemThreadID), \"thread_name\": "
            appendQuoted(wait.threadName, to: &json)
            json += ", \"waiting_ns\": \(wait.waitedNanoseconds)}"
        }
        json += "], \"holders\": ["
        for (index, wait) in (now.holders[lock.lockID] ?? []).enumerated() {
            json += (index == 0 ? "" : ", ") + "{\"thread\": \(wait.threadID), \"tid\": \(wait.systemThreadID), \"thread_name\": "
            appendQuoted(wait.threadName, to: &json)
            json += ", \"held_ns\": " + (LockProfiler.currentHoldNanoseconds(of: lock.lockID).map(String.init) ?? "null")
            json += ", \"waits_for\": \(wait.lockID)}"
        }
        json += "]}"
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

    /// `text` as a JSON string, appended to `json`.
    static func appendQuoted(_ text: String, to json: inout String) {
        // Names and sites rarely need escaping: then the text goes in whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            json += "\""
            json += text
            json += "\""
        } else {
            json += quoted(text)
        }
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

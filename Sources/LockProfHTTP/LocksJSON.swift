import LockProf

/// `/debug/lockprof/locks`: every live lock's exact counters, in the report schema's terms
/// (docs/report-schema.md: `name`, `kind`, `acquisitions`, `contended`, `wait_ns`, …), ranked by
/// `wait_ns`. Counts are since each lock's creation; waits and holds since recording began.
enum LocksJSON {
    static func render() -> String {
        let locks = LockProfiler.snapshot().sorted {
            ($0.waitNanoseconds, $1.lockID) > ($1.waitNanoseconds, $0.lockID)
        }
        let level = LockProfiler.level.map { "\"\($0.rawValue)\"" } ?? "null"
        return "{\n  \"schema\": 1,\n  \"recording_level\": \(level),\n  \"locks\": ["
            + locks.map(lockObject).joined(separator: ",") + (locks.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    private static func lockObject(_ lock: LockSnapshot) -> String {
        let fields: [(String, String)] = [
            ("name", quoted(lock.name)), ("kind", quoted("\(lock.kind)")), ("acquisitions", "\(lock.acquisitions)"),
            ("contended", "\(lock.contendedAcquisitions)"), ("wait_ns", "\(lock.waitNanoseconds)"),
            ("wait_max_ns", "\(lock.maximumWaitNanoseconds)"), ("hold_ns", estimatedHold(lock).map(String.init) ?? "null"),
            ("failed_try_locks", "\(lock.failedTryLocks)"), ("timeouts", "\(lock.timeouts)"), ("site", quoted(lock.site)),
            ("id", "\(lock.lockID)"),
        ]
        return "\n    {" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
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

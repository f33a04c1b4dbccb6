import Foundation

/// Reads `lockprof.json`, the configuration file of `lockprof check` (docs/check-config.md):
///
/// ```json
/// {
///   "maxWaitFraction": "10%",
///   "maxP99Wait": "5ms",
///   "maxContendedShare": "50%",
///   "ignore": ["demo.solo"],
///   "allowInversions": false,
///   "locks": [{ "match": "cache.*", "maxWaitFraction": "25%" }],
///   "baseline": { "tolerance": "50%", "floor": "1%" }
/// }
/// ```
///
/// Every key is optional; an unknown key is an error, so a typo never silently disables a limit.
public enum CheckConfiguration {
    /// The policy `text` describes, starting from `base` (the defaults). `path` names the file in
    /// errors.
    public static func policy(json text: String, path: String, base: CheckPolicy = CheckPolicy()) throws(InputFileError) -> CheckPolicy {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw InputFileError(path: path, message: "not valid JSON (\(Self.reason(of: error)))")
        }
        guard let root = object as? [String: Any] else {
            throw InputFileError(path: path, message: "the top level must be an object {…}")
        }
        do {
            return try policy(from: root, base: base)
        } catch let error as LimitSyntaxError {
            throw InputFileError(path: path, message: error.message)
        } catch {
            throw InputFileError(path: path, message: "\(error)")
        }
    }

    static let topLevelKeys: Set = ["maxWaitFraction", "maxP99Wait", "maxContendedShare", "ignore", "allowInversions", "locks", "baseline"]
    static let overrideKeys: Set = ["match", "maxWaitFraction", "maxP99Wait", "maxContendedShare"]
    static let baselineKeys: Set = ["tolerance", "floor"]

    static func policy(from root: [String: Any], base: CheckPolicy) throws -> CheckPolicy {
        try rejectUnknownKeys(root, allowed: topLevelKeys, in: "")
        var policy = base
        policy.limits = base.limits.overridden(by: try limits(from: root, in: ""))
        if let ignore = root["ignore"] {
            guard let names = ignore as? [String] else { throw LimitSyntaxError("ignore must be a list of lock-name patterns") }
            policy.ignored += names.map(LockNamePattern.init)
        }
        if let allow = root["allowInversions"] {
            guard isBoolean(allow), let value = allow as? Bool else {
                throw LimitSyntaxError("allowInversions must be true or false")
            }
            policy.allowInversions = value
        }
        if let locks = root["locks"] {
            guard let entries = locks as? [[String: Any]] else {
                throw LimitSyntaxError("locks must be a list of objects like {\"match\": \"cache.*\", \"maxWaitFraction\": \"25%\"}")
            }
            for (index, entry) in entries.enumerated() {
                let place = "locks[\(index)]."
                try rejectUnknownKeys(entry, allowed: overrideKeys, in: place)
                guard let match = entry["match"] as? String, !match.isEmpty else {
                    throw LimitSyntaxError("\(place)match must be a lock-name pattern like \"cache.*\"")
                }
                policy.overrides.append(CheckPolicy.Override(pattern: LockNamePattern(match), limits: try limits(from: entry, in: place)))
            }
        }
        if let baseline = root["baseline"] {
            guard let settings = baseline as? [String: Any] else {
                throw LimitSyntaxError("baseline must be an object like {\"tolerance\": \"50%\", \"floor\": \"1%\"}")
            }
            try rejectUnknownKeys(settings, allowed: baselineKeys, in: "baseline.")
            if let tolerance = settings["tolerance"] {
                policy.tolerance.relative = try share(tolerance, name: "baseline.tolerance", upTo: nil)
            }
            if let floor = settings["floor"] { policy.tolerance.absolute = try share(floor, name: "baseline.floor", upTo: nil) }
        }
        return policy
    }

    static func limits(from object: [String: Any], in place: String) throws -> LockLimits {
        var limits = LockLimits()
        if let value = object["maxWaitFraction"] { limits.maxWaitFraction = try share(value, name: place + "maxWaitFraction", upTo: 1) }
        if let value = object["maxContendedShare"] { limits.maxContendedShare = try share(value, name: place + "maxContendedShare", upTo: 1) }
        if let value = object["maxP99Wait"] {
            let name = place + "maxP99Wait"
            if let text = value as? String {
                limits.maxP99WaitNanoseconds = try LimitSyntax.duration(text, name: name)
            } else if let number = value as? NSNumber, !isBoolean(value), number.doubleValue >= 1, number.doubleValue < 1e18 {
                limits.maxP99WaitNanoseconds = UInt64(number.doubleValue)
            } else {
                throw LimitSyntaxError("\(name) must be a duration like \"5ms\" or a number of nanoseconds")
            }
        }
        return limits
    }

    /// A share written as a string (`"10%"`) or a number (`0.1`). `upTo: nil` allows above 100%
    /// (a relative tolerance may be +200%).
    static func share(_ value: Any, name: String, upTo maximum: Double?) throws -> Double {
        let text: String
        if let string = value as? String {
            text = string
        } else if let number = value as? NSNumber, !isBoolean(value) {
            text = "\(number.doubleValue)"
        } else {
            throw LimitSyntaxError("\(name) must be a percentage like \"10%\" or a fraction like 0.1")
        }
        if maximum != nil { return try LimitSyntax.fraction(text, name: name) }
        return try LimitSyntax.tolerance(text, name: name)
    }

    /// Whether a parsed JSON value was `true` or `false`. Foundation hands numbers and booleans
    /// out as `NSNumber`, and `as? Bool` accepts 0 and 1: the boolean's type code is `c`.
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    static func rejectUnknownKeys(_ object: [String: Any], allowed: Set<String>, in place: String) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LimitSyntaxError("unknown key \(place)\(unknown) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func reason(of error: Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}


/// Reads the limits users write on the command line and in `lockprof.json`: shares of runtime or
/// of acquisitions (`10%`, `0.1`) and durations (`5ms`, `200us`, `1.5s`, or integer nanoseconds).
///
/// One parser for flags and the configuration file, so `--max-wait-fraction 10%` and
/// `"maxWaitFraction": "10%"` can never mean different things.
package enum LimitSyntax {
    /// A share above 0 and at most 100%, written as a percentage (`12.5%`) or a fraction (`0.125`).
    /// `name` (`--max-wait-fraction`, `maxWaitFraction`) starts the error message.
    package static func fraction(_ text: String, name: String) throws(LimitSyntaxError) -> Double {
        let trimmed = text.trimmingWhitespace()
        let isPercent = trimmed.hasSuffix("%")
        let number = isPercent ? String(trimmed.dropLast()) : trimmed
        let hint = "write a percentage like 10% or a fraction like 0.1"
        guard let value = Double(number), value.isFinite else {
            throw LimitSyntaxError("\(name) '\(text)' is not a number: \(hint).")
        }
        let fraction = isPercent ? value / 100 : value
        guard fraction > 0 else { throw LimitSyntaxError("\(name) must be above 0, got '\(text)': \(hint).") }
        guard fraction <= 1 else {
            let guess = isPercent ? "" : " (did you mean \(text)%?)"
            throw LimitSyntaxError("\(name) must be at most 100%, got '\(text)'\(guess): \(hint).")
        }
        return fraction
    }

    /// A relative tolerance: a percentage or fraction of 0 or more, which may exceed 100% (`+200%`).
    package static func tolerance(_ text: String, name: String) throws(LimitSyntaxError) -> Double {
        let trimmed = text.trimmingWhitespace()
        let isPercent = trimmed.hasSuffix("%")
        guard let value = Double(isPercent ? String(trimmed.dropLast()) : trimmed), value.isFinite, value >= 0 else {
            throw LimitSyntaxError("\(name) '\(text)' is not a tolerance: write a percentage like 50% or a fraction like 0.5.")
        }
        return isPercent ? value / 100 : value
    }

    /// A duration in nanoseconds: a number with a unit (`ns`, `us`, `µs`, `ms`, `s`) or a bare
    /// integer of nanoseconds.
    package static func duration(_ text: String, name: String) throws(LimitSyntaxError) -> UInt64 {
        let trimmed = text.trimmingWhitespace()
        let units: [(suffix: String, nanoseconds: Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)]
        let unit = units.first { trimmed.hasSuffix($0.suffix) }
        let number = unit.map { String(trimmed.dropLast($0.suffix.count)) } ?? trimmed
        guard let value = Double(number.trimmingWhitespace()), value.isFinite, value > 0, value * (unit?.nanoseconds ?? 1) < 1e18 else {
            throw LimitSyntaxError("\(name) '\(text)' is not a duration: write one like 5ms, 200us, 1.5s or 300ns.")
        }
        return UInt64((value * (unit?.nanoseconds ?? 1)).rounded())
    }
}

/// A limit that could not be read; `message` is the whole sentence, naming the flag or key.
package struct LimitSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sentence to show, naming the flag or key.
    package var message: String
    /// An error saying `message`.
    package init(_ message: String) { self.message = message }
    /// The message.
    package var description: String { message }
}

extension String {
    /// Without leading and trailing spaces and tabs (no Foundation in the analysis).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

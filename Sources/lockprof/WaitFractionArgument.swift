import ArgumentParser

/// Parses a share of runtime given as a percentage (`10%`, `12.5%`) or a fraction (`0.1`).
///
/// Must be above 0 and at most 100%: a lock is flagged when its wait exceeds that share of the
/// process's runtime.
enum WaitFractionArgument {
    /// The fraction `text` stands for, or a ``ValidationError`` that says how to write it.
    static func parse(_ text: String, option: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let isPercent = trimmed.hasSuffix("%")
        let number = isPercent ? String(trimmed.dropLast()) : trimmed
        guard let value = Double(number), value.isFinite else {
            throw ValidationError("\(option) '\(text)' is not a number: write a percentage like 10% or a fraction like 0.1.")
        }
        let fraction = isPercent ? value / 100 : value
        guard fraction > 0 else {
            throw ValidationError("\(option) must be above 0, got '\(text)': write a percentage like 10% or a fraction like 0.1.")
        }
        guard fraction <= 1 else {
            let hint = isPercent ? "" : " (did you mean \(text)%?)"
            throw ValidationError("\(option) must be at most 100%, got '\(text)'\(hint): write a percentage like 10% or a fraction like 0.1.")
        }
        return fraction
    }
}

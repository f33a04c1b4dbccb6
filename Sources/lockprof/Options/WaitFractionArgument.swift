import ArgumentParser
import LockProfAnalysis

/// Parses a share of runtime given as a percentage (`10%`, `12.5%`) or a fraction (`0.1`).
///
/// Must be above 0 and at most 100%: a lock is flagged when its wait exceeds that share of the
/// process's runtime. The syntax is ``LimitSyntax``'s, shared with `lockprof.json`.
enum WaitFractionArgument {
    /// The fraction `text` stands for, or a ``ValidationError`` that says how to write it.
    static func parse(_ text: String, option: String) throws -> Double {
        do {
            return try LimitSyntax.fraction(text, name: option)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

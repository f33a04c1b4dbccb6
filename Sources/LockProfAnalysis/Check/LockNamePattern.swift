/// A lock-name pattern from `lockprof.json` (`"cache.*"`, `"demo.shard-?"`): `*` matches any run
/// of characters (also none), `?` exactly one; everything else matches itself. The whole name
/// must match, so `cache.*` matches `cache.users` but not `old.cache.users`.
public struct LockNamePattern: Equatable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public var pattern: String

    /// The pattern as written in `lockprof.json` or `--ignore`.
    public init(_ pattern: String) { self.pattern = pattern }

    /// The pattern as written.
    public var description: String { pattern }

    /// Whether `name` matches the whole pattern.
    public func matches(_ name: String) -> Bool {
        // Iterative glob with one backtrack point: linear in practice, no recursion.
        let pattern = Array(self.pattern), text = Array(name)
        var p = 0, t = 0
        var star: Int?, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

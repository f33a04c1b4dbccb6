/// Short, Swift-style names for demangled functions, for the text report (JSON keeps the full
/// demangled name).
///
/// ```swift
/// FunctionName.readable("lockprof.BankAccount.withdraw(_: Swift.Int, ioMilliseconds: Swift.Double) -> Swift.Bool")
/// // "BankAccount.withdraw(_:ioMilliseconds:)"
/// ```
///
/// The module prefix, parameter types and return type are dropped; closures keep their number
/// (`closure #1 in HotCounter.increment()`). An async function, and each of its resume points
/// (`(1) suspend resume partial function for …`), reads as the function with ` (async)`:
/// `recordSaleInTask(_:_:) (async)`; a closure does only when it is itself async, whatever its
/// enclosing function is (`closure #1 in asyncTasks()` for a plain one). A C++ name keeps its namespaces and loses only its
/// parameter list (`swift::runJobInEstablishedExecutorContext`). Names that do not look like
/// Swift or C++ (C functions, `0x…` offsets) are returned unchanged.
package enum FunctionName {
    /// The short name of `demangled` that every renderer shows; see the type's summary.
    package static func readable(_ demangled: String) -> String {
        if isCPlusPlus(demangled) { return withoutCPlusPlusParameters(Substring(demangled)) }
        var name = Substring(withoutPrivateDiscriminators(demangled))
        var prefix = ""
        var async = false
        if name.hasPrefix("@objc ") { name = name.dropFirst("@objc ".count) }
        // The pieces of an async function: its resume points (`(2) await resume partial
        // function for …`, the number is the suspension point) and its descriptor.
        if let resume = asyncPieceEnd(of: name) {
            name = name[resume...]
            async = true
        }
        // Thunks read as what they forward to; specializations keep saying so. The prefixes
        // come in any order ("merged partial apply forwarder for …", "function signature
        // specialization <…> of static …"): strip until none is left.
        var stripped = true
        while stripped {
            stripped = false
            for wrapper in ["partial apply forwarder for ", "partial apply for ", "merged ", "reabstraction thunk helper for ", "static "]
            where name.hasPrefix(wrapper) {
                name = name.dropFirst(wrapper.count)
                stripped = true
            }
            if name.hasPrefix("specialized ") {
                name = name.dropFirst("specialized ".count)
                prefix = "specialized "
                stripped = true
            }
            if name.hasPrefix("generic specialization <") || name.hasPrefix("function signature specialization <"),
                let of = topLevelRange(of: "> of ", in: name)
            {
                name = name[of.upperBound...]
                prefix = "specialized "
                stripped = true
            }
        }
        if name.hasPrefix("closure #") || name.hasPrefix("implicit closure #"),
            let number = name.firstIndex(of: "#"),
            let inRange = name.firstRange(of: " in ")
        {
            let digits = name[name.index(after: number)...].prefix { $0.isNumber }
            let kind = name.hasPrefix("implicit") ? "implicit closure" : "closure"
            // The mark says what the frame is: the closure, async when it is a resume point or
            // its own signature says so — not its enclosing function (a plain closure handed to
            // a Thread inside an async function is not async).
            var enclosing = Substring(readable(String(name[inRange.upperBound...])))
            if enclosing.hasSuffix(asyncMark) { enclosing = enclosing.dropLast(asyncMark.count) }
            let closureAsync = async || name[..<inRange.lowerBound].contains(") async")
            return prefix + "\(kind) #\(digits) in " + enclosing + (closureAsync ? asyncMark : "")
        }
        let short = shortened(name)
        return prefix + short + (async || isAsyncSignature(name) ? asyncMark : "")
    }

    /// What an async function's short name ends with.
    static let asyncMark = " (async)"

    /// Where the function's own name starts after an async piece's prefix
    /// (`(1) suspend resume partial function for `, `await resume partial function for `,
    /// `async function pointer to `); nil when `name` has none.
    static func asyncPieceEnd(of name: Substring) -> Substring.Index? {
        var rest = name
        if rest.hasPrefix("("), let close = rest.firstIndex(of: ")"),
            rest[rest.index(after: rest.startIndex)..<close].allSatisfy(\.isNumber),
            rest[rest.index(after: close)...].hasPrefix(" ")
        {
            rest = rest[rest.index(close, offsetBy: 2)...]
        }
        for piece in ["suspend resume partial function for ", "await resume partial function for ", "async function pointer to "]
        where rest.hasPrefix(piece) {
            return rest.index(rest.startIndex, offsetBy: piece.count)
        }
        return nil
    }

    /// Whether a Swift signature is that of an async function: `f(Swift.Int) async -> ()`,
    /// `f() async throws -> Swift.Int`.
    static func isAsyncSignature(_ name: Substring) -> Bool {
        guard let open = firstTopLevel("(", in: name), let close = matchingParenthesis(in: name, from: open) else {
            return false
        }
        return name[name.index(after: close)...].hasPrefix(" async")
    }

    /// A C++ name as the demangler writes it: `swift::Job::run(swift::Job*)`,
    /// `(anonymous namespace)::drain()`. Swift names never contain `::`.
    static func isCPlusPlus(_ name: String) -> Bool {
        name.contains("::")
    }

    /// `ns::Type::method(int, char const*) const` → `ns::Type::method`: the parameter list (and
    /// what follows it) is the first `(…)` outside template arguments that is not followed by
    /// `::` (`(anonymous namespace)::`) and is not the name of `operator()`.
    static func withoutCPlusPlusParameters(_ name: Substring) -> String {
        var depth = 0
        var index = name.startIndex
        while index < name.endIndex {
            switch name[index] {
            case "<": depth += 1
            case ">": depth = max(0, depth - 1)
            case "(" where depth == 0:
                guard let close = matchingParenthesis(in: name, from: index) else { return String(name) }
                let after = name.index(after: close)
                let isOperatorName = name[..<index].hasSuffix("operator") && close == name.index(after: index)
                if !isOperatorName && !name[after...].hasPrefix("::") && index != name.startIndex {
                    return String(name[..<index])
                }
                index = close
            default: break
            }
            index = name.index(after: index)
        }
        return String(name)
    }

    /// A file-private declaration demangles as `(Name in _0123ABCD…)`; its name is just `Name`.
    /// `Foundation.(NSThreadStart in _643E…)(…)` → `Foundation.NSThreadStart(…)`.
    static func withoutPrivateDiscriminators(_ name: String) -> String {
        var result = ""
        var rest = Substring(name)
        while let open = rest.firstIndex(of: "(") {
            result += rest[..<open]
            let inner = rest[rest.index(after: open)...]
            if let marker = inner.firstRange(of: " in _"), let close = inner[marker.upperBound...].firstIndex(of: ")"),
                inner[..<marker.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                !inner[..<marker.lowerBound].isEmpty,
                inner[marker.upperBound..<close].allSatisfy({ $0.isHexDigit })
            {
                result += inner[..<marker.lowerBound]
                rest = inner[inner.index(after: close)...]
            } else {
                result += "("
                rest = inner
            }
        }
        return result + rest
    }

    /// `module.Type.method(label: Type) -> Result` → `Type.method(label:)`.
    static func shortened(_ name: Substring) -> String {
        var base = name
        var arguments = ""
        if let open = firstTopLevel("(", in: name), let close = matchingParenthesis(in: name, from: open) {
            base = name[..<open]
            arguments = "(" + labels(in: name[name.index(after: open)..<close]) + ")"
        } else if let colon = name.firstRange(of: " : ") {
            base = name[..<colon.lowerBound]  // `Account.balance.getter : Swift.Int`
        }
        guard base.allSatisfy({ !$0.isWhitespace }) else { return String(name) }
        let components = base.split(separator: ".", omittingEmptySubsequences: false)
        if components.count > 1, !components[0].isEmpty, components[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            base = base[base.index(after: base.firstIndex(of: ".")!)...]
        }
        return String(base) + arguments
    }

    /// `_: Swift.Int, ioMilliseconds: Swift.Double` → `_:ioMilliseconds:`.
    static func labels(in parameters: Substring) -> String {
        var result = ""
        var depth = 0
        var start = parameters.startIndex
        func finish(_ parameter: Substring) {
            let trimmed = parameter.drop { $0 == " " }
            guard !trimmed.isEmpty else { return }
            if let colon = firstTopLevel(":", in: trimmed), trimmed[..<colon].allSatisfy({ !$0.isWhitespace }) {
                result += trimmed[..<colon] + ":"
            } else {
                result += "_:"
            }
        }
        for index in parameters.indices {
            switch parameters[index] {
            case "(", "<", "[": depth += 1
            case ")", ">", "]": depth -= 1
            case "," where depth == 0:
                finish(parameters[start..<index])
                start = parameters.index(after: index)
            default: break
            }
        }
        finish(parameters[start...])
        return result
    }

    static func firstTopLevel(_ character: Character, in text: Substring) -> Substring.Index? {
        var depth = 0
        for index in text.indices {
            let c = text[index]
            if c == character && depth == 0 { return index }
            if c == "<" || c == "[" { depth += 1 }
            if c == ">" || c == "]" { depth -= 1 }
        }
        return nil
    }

    static func matchingParenthesis(in text: Substring, from open: Substring.Index) -> Substring.Index? {
        var depth = 0
        for index in text[open...].indices {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    static func topLevelRange(of needle: String, in text: Substring) -> Range<Substring.Index>? {
        text.firstRange(of: needle)
    }
}

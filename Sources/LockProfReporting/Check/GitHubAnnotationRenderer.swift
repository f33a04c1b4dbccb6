import LockProfAnalysis

/// `lockprof check --format github`: GitHub Actions workflow commands, so a failing lock shows up
/// in the pull request next to its code.
///
/// For each failing lock, one `::error` at the lock's creation site and one at the top frame of
/// the holder stack that made others wait (when the trace has them), then the summary line:
///
/// ```
/// ::error file=Sources/App/Cache.swift,line=12,title=lockprof: cache::wait 62.0% of runtime > 10% (lock created here)
/// ::error file=Sources/App/Cache.swift,line=40,title=lockprof: cache::wait 62.0% of runtime > 10% (held here while others waited)
/// lockprof check: 1 of 7 locks failed the check.
/// ```
/// Values are escaped as the runner expects (`%25`, `%0A`, and in properties `%3A`, `%2C`).
package struct GitHubAnnotationRenderer: Sendable {
    /// The directory file paths are made relative to (the checkout); nil keeps them as recorded.
    package var sourceRoot: String?

    /// A renderer making paths relative to `sourceRoot`.
    package init(sourceRoot: String? = nil) { self.sourceRoot = sourceRoot }

    /// The workflow commands and the summary line, ending in a newline.
    package func render(_ outcome: CheckOutcome) -> String {
        let locator = SourceLocator(report: outcome.report, root: sourceRoot)
        var lines: [String] = []
        for check in outcome.failedLocks {
            let message = check.failures.map(\.description).joined(separator: "; ")
            let title = "lockprof: \(check.displayName)"
            let places = [
                (locator.creationSite(of: check.lock), "lock created here"),
                (locator.holderTopFrame(of: check.lock), "held here while others waited"),
            ].compactMap { location, what in location.map { ($0, what) } }
            if places.isEmpty { lines.append(Self.command(location: nil, title: title, message: message)) }
            for (location, what) in places {
                lines.append(Self.command(location: location, title: title, message: "\(message) (\(what))"))
            }
        }
        for failure in outcome.otherFailures {
            lines.append(Self.command(location: nil, title: "lockprof", message: failure.description))
        }
        lines.append("lockprof check: \(outcome.summary)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func command(location: SourceLocator.Location?, title: String, message: String) -> String {
        var properties: [String] = []
        if let location {
            properties.append("file=" + escapeProperty(location.file))
            if let line = location.line { properties.append("line=\(line)") }
        }
        properties.append("title=" + escapeProperty(title))
        return "::error " + properties.joined(separator: ",") + "::" + escapeData(message)
    }

    static func escapeData(_ text: String) -> String {
        text.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in the analysis).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}

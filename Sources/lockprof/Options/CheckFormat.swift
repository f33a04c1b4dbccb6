import ArgumentParser

/// The output formats of `check`: for a terminal, for tools, for GitHub Actions, for JUnit readers.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case github
    case junit
}

import ArgumentParser

/// The output formats of `report` and `demo`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    /// One self-contained page (inline CSS, SVG): open it in a browser.
    case html
}

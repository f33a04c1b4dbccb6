import ArgumentParser

/// The output formats of `report` and `demo`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// The lock table of the HTML report: the columns of the text report's table, flagged locks
/// first and marked, each cell carrying its raw value in `data-v` so the page's script sorts any
/// column by value (click a heading).
struct HTMLLockTable {
    var locks: [LockReport]
    var multipleProcesses: Bool
    /// The anchor of each flagged lock's section, by position in `locks`.
    var anchors: [Int: String]

    /// A column: heading, whether it holds text, and per lock its shown text and its sort key.
    struct Column {
        var title: String
        var isText: Bool
        var cell: (LockReport) -> (shown: String, key: String)
    }

    var columns: [Column] {
        func duration(_ value: UInt64?) -> (String, String) {
            (value.map { ReportFormatting.duration(nanoseconds: $0) } ?? "-", value.map(String.init) ?? "-1")
        }
        var columns = [Column(title: "lock", isText: true) { ($0.name, $0.name) }]
        if multipleProcesses { columns.append(Column(title: "pid", isText: false) { (String($0.process), String($0.process)) }) }
        columns += [
            Column(title: "kind", isText: true) { ($0.kind.description, $0.kind.description) },
            Column(title: "acquired", isText: false) { ($0.acquisitions.map(String.init) ?? "?", $0.acquisitions.map(String.init) ?? "-1") },
            Column(title: "contended", isText: false) {
                ($0.contendedFraction.map(ReportFormatting.percentColumn) ?? "?", $0.contendedFraction.map { "\($0)" } ?? "-1")
            },
            Column(title: "total wait", isText: false) { duration($0.waitNanoseconds) },
            Column(title: "wait % of runtime", isText: false) { (ReportFormatting.percentColumn($0.waitFraction), "\($0.waitFraction)") },
            Column(title: "max wait", isText: false) { duration($0.waitNanoseconds > 0 ? $0.maximumWaitNanoseconds : nil) },
            Column(title: "p50 wait", isText: false) { duration($0.waitP50Nanoseconds) },
            Column(title: "p99 wait", isText: false) { duration($0.waitP99Nanoseconds) },
            Column(title: "mean hold", isText: false) { duration($0.estimatedMeanHoldNanoseconds) },
        ]
        return columns
    }

    /// The `<table>` element.
    func html() -> String {
        let columns = columns
        var lines = ["<table class=\"sortable\" id=\"lock-table\"><thead><tr><th class=\"text\" title=\"flagged first\">flag</th>"]
        lines.append(columns.map { "<th class=\"\($0.isText ? "text" : "")\">\(MarkupEscaping.text($0.title))</th>" }.joined() + "</tr></thead><tbody>")
        for (index, lock) in locks.enumerated() {
            var cells = lock.isFlagged
                ? "<td class=\"text\" data-v=\"0\"><span class=\"badge\">FLAG</span></td>" : "<td class=\"text\" data-v=\"1\"></td>"
            for (position, column) in columns.enumerated() {
                let (shown, key) = column.cell(lock)
                var content = MarkupEscaping.text(shown)
                if position == 0, let anchor = anchors[index] { content = "<a href=\"#\(anchor)\">\(content)</a>" }
                if position == 0, !lock.site.isEmpty, lock.site != lock.name {
                    content += " <span class=\"muted\">\(MarkupEscaping.text(lock.site))</span>"
                }
                cells += "<td class=\"\(position == 0 ? "name" : column.isText ? "text" : "")\" data-v=\"\(MarkupEscaping.text(key))\">\(content)</td>"
            }
            lines.append("<tr class=\"\(lock.isFlagged ? "flagged" : "")\" data-lock=\"\(MarkupEscaping.text(lock.name))\">\(cells)</tr>")
        }
        lines.append("</tbody></table>")
        return lines.joined(separator: "\n")
    }

    /// Flagged locks first, each group in the report's order (most wait first).
    static func ordered(_ locks: [LockReport]) -> [LockReport] {
        locks.filter(\.isFlagged) + locks.filter { !$0.isFlagged }
    }
}

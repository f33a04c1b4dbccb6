import LockProfAnalysis

/// `lockprof diff`'s table: per lock, wait fraction, total wait and contended acquisitions
/// before and after, side by side, largest change first.
///
/// ```
/// LOCK          STATUS  WAIT % BEFORE  WAIT % AFTER   CHANGE  WAIT BEFORE  WAIT AFTER  CONTENDED BEFORE  CONTENDED AFTER
/// demo.account             126.0%         30.1%   -95.9%       709 ms      170 ms                86               20
/// demo.solo     new             -           0.0%    +0.0%            -        0 ns                 -                0
/// ```
package struct DiffTextRenderer: Sendable {
    /// The renderer (it has no settings).
    package init() {}

    /// The table and a summary line, ending in a newline.
    package func render(_ diff: ContentionDiff) -> String {
        guard !diff.changes.isEmpty else { return "No profiled lock in either run.\n" }
        func percent(_ lock: Baseline.Lock?) -> String { lock.map { ReportFormatting.percentColumn($0.waitFraction) } ?? "-" }
        func wait(_ lock: Baseline.Lock?) -> String { lock.map { ReportFormatting.duration(nanoseconds: $0.waitNanoseconds) } ?? "-" }
        func contended(_ lock: Baseline.Lock?) -> String { lock.map { String($0.contendedAcquisitions) } ?? "-" }
        let changes = diff.changes
        let columns: [(title: String, leftAligned: Bool, cells: [String])] = [
            ("LOCK", true, changes.map(\.name)),
            ("STATUS", true, changes.map { $0.status == .both ? "" : $0.status.rawValue }),
            ("WAIT % BEFORE", false, changes.map { percent($0.before) }),
            ("WAIT % AFTER", false, changes.map { percent($0.after) }),
            ("CHANGE", false, changes.map { Self.signedPercent($0.waitFractionChange) }),
            ("WAIT BEFORE", false, changes.map { wait($0.before) }),
            ("WAIT AFTER", false, changes.map { wait($0.after) }),
            ("CONTENDED BEFORE", false, changes.map { contended($0.before) }),
            ("CONTENDED AFTER", false, changes.map { contended($0.after) }),
        ]
        let rows = TextTable(columns: columns.map { TextTable.Column(title: $0.title, leftAligned: $0.leftAligned, cells: $0.cells) }).lines()
        let new = changes.filter { $0.status == .new }.count, gone = changes.filter { $0.status == .gone }.count
        return rows.joined(separator: "\n") + "\n\n\(changes.count) lock\(changes.count == 1 ? "" : "s"): \(new) new, \(gone) gone.\n"
    }

    /// `+12.5%`, `-3.0%`; a change that rounds to zero reads `+0.0%` (never `-0.0%`, which a
    /// JSON round trip's last-digit difference would otherwise show).
    static func signedPercent(_ change: Double) -> String {
        let magnitude = ReportFormatting.percentColumn(abs(change))
        return (change < 0 && magnitude != "0.0%" ? "-" : "+") + magnitude
    }
}

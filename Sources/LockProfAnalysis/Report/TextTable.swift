/// An aligned text table: columns padded to their widest cell, two spaces apart, no trailing
/// spaces. Shared by the report's and the diff's tables.
package struct TextTable {
    /// One column: its title, its alignment and one cell per row.
    package struct Column {
        package var title: String
        package var leftAligned: Bool
        package var cells: [String]

        /// A column titled `title`; cells are padded on the right when `leftAligned`, else on the left.
        package init(title: String, leftAligned: Bool, cells: [String]) {
            self.title = title
            self.leftAligned = leftAligned
            self.cells = cells
        }
    }

    package var columns: [Column]

    /// A table of `columns`, which all have the same number of cells.
    package init(columns: [Column]) { self.columns = columns }

    /// The header line, then one line per row.
    package func lines() -> [String] {
        let widths = columns.map { column in column.cells.reduce(column.title.count) { max($0, $1.count) } }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { text += "  " }
                text += columns[index].leftAligned ? cell + padding : padding + cell
            }
            return String(text.reversed().drop(while: { $0 == " " }).reversed())
        }
        let rows = columns.first?.cells.count ?? 0
        return [line(columns.map(\.title))] + (0..<rows).map { row in line(columns.map { $0.cells[row] }) }
    }
}

/// Coordinates written into SVG with at most one decimal: enough for a picture 1000 units wide,
/// and it keeps a page with thousands of shapes small.
enum SVGNumber {
    /// `12`, `12.5`, `0.3`; never an exponent (SVG accepts them, people reading the source do not).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}

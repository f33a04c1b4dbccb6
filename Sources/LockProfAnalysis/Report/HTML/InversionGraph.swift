/// One lock-order inversion (``LockOrderInversion``) as a small SVG graph: its locks on a circle,
/// an arrow for each edge (`held → acquired`) labelled with the site that took the second lock
/// while holding the first — so the two (or more) places in the code that disagree on the order
/// stand side by side.
struct InversionGraph {
    static let width = 1000.0
    static let height = 170.0
    static let nodeWidth = 200.0
    static let nodeHeight = 30.0

    var inversion: LockOrderInversion

    /// The centre of node `index` of `count`: two locks side by side, more in a zig-zag from
    /// left to right (no trigonometry needed, and every label keeps its room).
    func centre(_ index: Int, of count: Int) -> (x: Double, y: Double) {
        if count == 2 { return (index == 0 ? 180 : Self.width - 180, Self.height / 2) }
        let x = Self.nodeWidth / 2 + 10 + Double(index) * (Self.width - Self.nodeWidth - 20) / Double(max(count - 1, 1))
        return (x, index % 2 == 0 ? 40 : Self.height - 40)
    }

    /// Where an edge was taken: its innermost reported frame, or a note that no stack was captured.
    static func site(of edge: LockOrderEdge) -> String {
        edge.stack.first.map(\.shortDescription) ?? "(stack not captured)"
    }

    /// The SVG element.
    func svg() -> String {
        let count = inversion.locks.count
        var parts: [String] = []
        for (index, edge) in inversion.edges.enumerated() {
            let from = centre(index, of: count)
            let to = centre((index + 1) % count, of: count)
            // Bend every edge to its left so that a → b and b → a are two separate arcs.
            let middle = ((from.x + to.x) / 2, (from.y + to.y) / 2)
            let length = max(((to.x - from.x) * (to.x - from.x) + (to.y - from.y) * (to.y - from.y)).squareRoot(), 1)
            let bend = count == 2 ? 75.0 : 40.0
            let control = (middle.0 + bend * (to.y - from.y) / length, middle.1 - bend * (to.x - from.x) / length)
            let start = (from.x + (control.0 - from.x) * 0.35, from.y + (control.1 - from.y) * 0.35)
            let end = (to.x + (control.0 - to.x) * 0.35, to.y + (control.1 - to.y) * 0.35)
            let label = (0.25 * start.0 + 0.5 * control.0 + 0.25 * end.0, 0.25 * start.1 + 0.5 * control.1 + 0.25 * end.1)
            let site = Self.site(of: edge)
            let title = "\(edge.acquired) taken while holding \(edge.held) (pid \(edge.process), thread \(edge.threadID))\n"
                + (edge.stack.isEmpty ? "(stack not captured)" : edge.stack.prefix(8).map(\.shortDescription).joined(separator: "\n"))
            parts.append(
                "<g class=\"edge\"><title>\(MarkupEscaping.text(title))</title>"
                    + "<path d=\"M\(SVGNumber.format(start.0)) \(SVGNumber.format(start.1))Q\(SVGNumber.format(control.0)) "
                    + "\(SVGNumber.format(control.1)) \(SVGNumber.format(end.0)) \(SVGNumber.format(end.1))\" marker-end=\"url(#arrow)\"/>"
                    + "<text x=\"\(SVGNumber.format(label.0))\" y=\"\(SVGNumber.format(label.1 + (control.1 < middle.1 ? -6 : 14)))\" "
                    + "text-anchor=\"middle\">\(MarkupEscaping.text(IcicleGraph.cut(site, to: 70)))</text></g>")
        }
        for (index, lock) in inversion.locks.enumerated() {
            let point = centre(index, of: count)
            parts.append(
                "<g class=\"node\"><title>\(MarkupEscaping.text(lock))</title><rect x=\"\(SVGNumber.format(point.x - Self.nodeWidth / 2))\" "
                    + "y=\"\(SVGNumber.format(point.y - Self.nodeHeight / 2))\" width=\"\(SVGNumber.format(Self.nodeWidth))\" "
                    + "height=\"\(SVGNumber.format(Self.nodeHeight))\" rx=\"6\"/><text x=\"\(SVGNumber.format(point.x))\" "
                    + "y=\"\(SVGNumber.format(point.y + 5))\" text-anchor=\"middle\">\(MarkupEscaping.text(IcicleGraph.cut(lock, to: 28)))</text></g>")
        }
        return "<svg class=\"inversion\" viewBox=\"0 0 \(SVGNumber.format(Self.width)) \(SVGNumber.format(Self.height))\" width=\"100%\" "
            + "role=\"img\" aria-label=\"lock-order inversion \(MarkupEscaping.text(inversion.description))\">\n"
            + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
            + "<path d=\"M0 0L10 5L0 10z\"/></marker></defs>\n" + parts.joined(separator: "\n") + "\n</svg>"
    }
}

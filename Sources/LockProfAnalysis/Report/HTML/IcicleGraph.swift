/// One side's stacks of a lock (holder or waiter) drawn as an icicle: the outermost frame on top,
/// each frame below its caller, every box as wide as the wait blamed on the stacks through it
/// (``StackReport/weightNanoseconds``). Stacks that share their outer frames share their boxes,
/// so the code that made threads wait reads as the widest path down.
///
/// Each box is labelled with the function and `File.swift:42` (``FrameReport/shortDescription``,
/// cut to fit) and carries a `<title>`, which browsers show on hover, with the whole frame and
/// its figures.
struct IcicleGraph {
    /// A frame of the merged tree: the frame, what passed through it, and its callees.
    struct Node {
        var frame: FrameReport?
        var weightNanoseconds: UInt64 = 0
        var waits: UInt64 = 0
        var children: [Node] = []
    }

    /// The drawing's width in SVG units.
    static let width = 1000.0
    /// The height of one frame's row.
    static let rowHeight = 17.0
    /// Deeper frames are left out: the page stays small and the picture readable.
    static let maximumDepth = 48
    /// Boxes narrower than this are not drawn (their weight still counts in their callers).
    static let minimumBoxWidth = 0.4

    var root = Node()
    var totalWaitNanoseconds: UInt64

    /// The tree of `stacks`, weighted by their share of `totalWaitNanoseconds`.
    init(stacks: [StackReport], totalWaitNanoseconds: UInt64) {
        self.totalWaitNanoseconds = totalWaitNanoseconds
        for stack in stacks where stack.weightNanoseconds > 0 {
            root.weightNanoseconds += stack.weightNanoseconds
            root.waits += stack.count
            Self.insert(stack.frames.reversed().prefix(Self.maximumDepth), weight: stack.weightNanoseconds, waits: stack.count, into: &root)
        }
    }

    private static func insert(_ frames: ArraySlice<FrameReport>, weight: UInt64, waits: UInt64, into node: inout Node) {
        guard let frame = frames.first else { return }
        let index: Int
        if let found = node.children.firstIndex(where: { $0.frame == frame }) {
            index = found
        } else {
            node.children.append(Node(frame: frame))
            index = node.children.count - 1
        }
        node.children[index].weightNanoseconds += weight
        node.children[index].waits += waits
        insert(frames.dropFirst(), weight: weight, waits: waits, into: &node.children[index])
    }

    /// Whether any stack had weight: an empty graph is not drawn.
    var isEmpty: Bool { root.weightNanoseconds == 0 }

    /// The SVG element, `label` naming the side in the root box (`holder stacks of demo.account`).
    func svg(label: String, side: String) -> String {
        var boxes: [String] = []
        var depth = 0
        draw(root, x: 0, width: Self.width, depth: 0, label: label, into: &boxes, deepest: &depth)
        let height = Double(depth + 1) * Self.rowHeight
        return "<svg class=\"icicle \(side)\" viewBox=\"0 0 \(SVGNumber.format(Self.width)) \(SVGNumber.format(height))\" "
            + "width=\"100%\" role=\"img\" aria-label=\"\(MarkupEscaping.text(label))\">\n"
            + boxes.joined(separator: "\n") + "\n</svg>"
    }

    private func draw(_ node: Node, x: Double, width: Double, depth: Int, label: String, into boxes: inout [String], deepest: inout Int) {
        deepest = max(deepest, depth)
        let y = Double(depth) * Self.rowHeight
        let name = node.frame.map(\.shortDescription) ?? label
        let share = Double(node.weightNanoseconds) / Double(max(totalWaitNanoseconds, 1))
        var title = node.frame.map(Self.fullDescription) ?? label
        title += "\n\(ReportFormatting.duration(nanoseconds: node.weightNanoseconds)) of wait, "
            + "\(ReportFormatting.percent(share)) of the lock's wait, \(ReportFormatting.count(node.waits, "wait"))"
        let fits = Int((width - 6) / 6.6)
        let text = fits >= 3 ? Self.cut(name, to: fits) : ""
        let color = node.frame == nil ? "root" : "f\(Self.hue(of: node.frame!.function))"
        var box = "<g class=\"frame \(color)\"><title>\(MarkupEscaping.text(title))</title>"
            + "<rect x=\"\(SVGNumber.format(x))\" y=\"\(SVGNumber.format(y))\" width=\"\(SVGNumber.format(width))\" height=\"\(SVGNumber.format(Self.rowHeight - 1))\"/>"
        if !text.isEmpty {
            box += "<text x=\"\(SVGNumber.format(x + 3))\" y=\"\(SVGNumber.format(y + Self.rowHeight - 5))\">\(MarkupEscaping.text(text))</text>"
        }
        boxes.append(box + "</g>")
        var childX = x
        for child in node.children.sorted(by: { $0.weightNanoseconds > $1.weightNanoseconds }) {
            let childWidth = width * Double(child.weightNanoseconds) / Double(max(node.weightNanoseconds, 1))
            if childWidth >= Self.minimumBoxWidth {
                draw(child, x: childX, width: childWidth, depth: depth + 1, label: label, into: &boxes, deepest: &deepest)
            }
            childX += childWidth
        }
    }

    /// The whole frame for the hover: function, file:line, module.
    static func fullDescription(_ frame: FrameReport) -> String {
        var text = FunctionName.readable(frame.function)
        if let file = frame.file { text += "\n" + file + (frame.line.map { ":\($0)" } ?? "") }
        if let module = frame.module { text += "\nin " + module }
        return text
    }

    /// `text`, or its first characters and `…` when longer than `count`.
    static func cut(_ text: String, to count: Int) -> String {
        text.count <= count ? text : String(text.prefix(max(count - 1, 1))) + "…"
    }

    /// One of eight warm colours, the same for the same function on every graph of the page.
    static func hue(of function: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in function.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % 8)
    }
}

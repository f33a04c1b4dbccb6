/// A ``ThreadTimeline`` as SVG: one row per thread (the busiest ``maximumRows``), each with a
/// hold lane over a wait lane, and in each lane a bar per time slice as tall as the share of the
/// slice the thread spent holding (waiting for) each drawn lock, stacked, in the lock's colour.
/// A convoy reads as every thread's wait lane full while one holds; a long hold as one hold bar
/// under everyone's waits. Each lock's bars in a lane are one `<path>`, with a `<title>` naming
/// the lock, the thread and their totals.
struct TimelineChart {
    static let labelWidth = 190.0
    static let plotWidth = 1000.0
    static let laneHeight = 11.0
    static let rowGap = 5.0
    static let axisHeight = 18.0
    /// Rows drawn at most, the most active threads; the page says how many were left out.
    static let maximumRows = 48

    var timeline: ThreadTimeline

    /// The rows drawn: the most active, in thread order.
    var shownRows: [Int] {
        let active = timeline.rows.indices.filter { timeline.activity(row: $0) > 0 }
        let busiest = active.sorted { timeline.activity(row: $0) > timeline.activity(row: $1) }.prefix(Self.maximumRows)
        return busiest.sorted { (timeline.rows[$0].process, timeline.rows[$0].threadID) < (timeline.rows[$1].process, timeline.rows[$1].threadID) }
    }

    /// The SVG element.
    func svg() -> String {
        let rows = shownRows
        let rowHeight = 2 * Self.laneHeight + Self.rowGap
        let height = Self.axisHeight + Double(rows.count) * rowHeight
        let width = Self.labelWidth + Self.plotWidth
        var parts: [String] = axis(height: height)
        for (position, row) in rows.enumerated() {
            let top = Self.axisHeight + Double(position) * rowHeight
            let name = timeline.rows[row].name
            parts.append(
                "<text class=\"thread\" x=\"0\" y=\"\(SVGNumber.format(top + Self.laneHeight + 3))\">"
                    + "\(MarkupEscaping.text(IcicleGraph.cut(name, to: 24)))<title>\(MarkupEscaping.text(name))</title></text>")
            for lane in [ThreadTimeline.Lane.hold, .wait] {
                let laneTop = top + (lane == .hold ? 0 : Self.laneHeight)
                parts.append(
                    "<rect class=\"lane \(lane == .hold ? "hold" : "wait")\" x=\"\(SVGNumber.format(Self.labelWidth))\" "
                        + "y=\"\(SVGNumber.format(laneTop))\" width=\"\(SVGNumber.format(Self.plotWidth))\" height=\"\(SVGNumber.format(Self.laneHeight))\"/>")
                parts += paths(row: row, lane: lane, bottom: laneTop + Self.laneHeight, threadName: name)
            }
        }
        return "<svg class=\"timeline\" viewBox=\"0 0 \(SVGNumber.format(width)) \(SVGNumber.format(height))\" width=\"100%\" "
            + "role=\"img\" aria-label=\"timeline of waits and holds per thread\">\n" + parts.joined(separator: "\n") + "\n</svg>"
    }

    /// Time ticks along the top, about ten, at round durations.
    func axis(height: Double) -> [String] {
        let runtime = max(timeline.runtimeNanoseconds, 1)
        let step = Self.roundStep(Double(runtime) / 10)
        var parts: [String] = []
        var tick = 0.0
        while tick <= Double(runtime) {
            let x = Self.labelWidth + Self.plotWidth * tick / Double(runtime)
            // The last label would run off the right edge.
            let label = x < Self.labelWidth + Self.plotWidth - 40 ? ReportFormatting.duration(nanoseconds: UInt64(tick)) : ""
            parts.append(
                "<line class=\"tick\" x1=\"\(SVGNumber.format(x))\" x2=\"\(SVGNumber.format(x))\" y1=\"\(SVGNumber.format(Self.axisHeight - 4))\" "
                    + "y2=\"\(SVGNumber.format(height))\"/><text class=\"axis\" x=\"\(SVGNumber.format(x + 2))\" y=\"12\">"
                    + "\(label)</text>")
            tick += step
        }
        return parts
    }

    /// One path per lock for `row`'s `lane`, the locks' bars stacked from `bottom` up.
    func paths(row: Int, lane: ThreadTimeline.Lane, bottom: Double, threadName: String) -> [String] {
        let binWidth = Self.plotWidth / Double(timeline.binCount)
        let binNanoseconds = timeline.binNanoseconds
        var stacked = [Double](repeating: 0, count: timeline.binCount)
        var parts: [String] = []
        for lock in timeline.locks.indices {
            let total = timeline.total(row: row, lock: lock, lane: lane)
            guard total.events > 0 else { continue }
            var d = ""
            var bin = 0
            while bin < timeline.binCount {
                let nanoseconds = timeline.nanoseconds(row: row, lock: lock, lane: lane, bin: bin)
                guard nanoseconds > 0 else { bin += 1; continue }
                let room = Self.laneHeight - stacked[bin]
                let height = min(max(Self.laneHeight * Double(nanoseconds) / binNanoseconds, 0.8), max(room, 0.8))
                // Neighbouring bins of the same height become one rectangle.
                var end = bin + 1
                while end < timeline.binCount, stacked[end] == stacked[bin] {
                    let next = timeline.nanoseconds(row: row, lock: lock, lane: lane, bin: end)
                    let nextHeight = min(max(Self.laneHeight * Double(next) / binNanoseconds, 0.8), max(room, 0.8))
                    guard next > 0, abs(nextHeight - height) < 0.05 else { break }
                    end += 1
                }
                let y = bottom - stacked[bin] - height
                d += "M\(SVGNumber.format(Self.labelWidth + Double(bin) * binWidth)) \(SVGNumber.format(y))"
                    + "h\(SVGNumber.format(Double(end - bin) * binWidth))v\(SVGNumber.format(height))h-\(SVGNumber.format(Double(end - bin) * binWidth))z"
                for covered in bin..<end { stacked[covered] += height }
                bin = end
            }
            let name = timeline.locks[lock].name
            let verb = lane == .wait ? "waited for" : "held (while others waited)"
            let title = "\(name) — \(threadName) \(verb) it \(ReportFormatting.duration(nanoseconds: total.nanoseconds)) in all, "
                + ReportFormatting.count(total.events, lane == .wait ? "wait" : "hold")
            parts.append(
                "<path class=\"slice \(lane == .wait ? "wait" : "hold") l\(lock)\" data-lock=\"\(MarkupEscaping.text(name))\" d=\"\(d)\">"
                    + "<title>\(MarkupEscaping.text(title))</title></path>")
        }
        return parts
    }

    /// 1, 2 or 5 × a power of ten, the first at least `rough`.
    static func roundStep(_ rough: Double) -> Double {
        var power = 1.0
        while power * 10 <= rough { power *= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where power * factor >= rough { return power * factor }
        return power * 10
    }
}

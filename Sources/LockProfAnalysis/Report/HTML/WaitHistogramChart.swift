/// A lock's wait histogram (``LockReport/waitHistogram``) as SVG bars, one per power of two of
/// nanoseconds from the shortest to the longest bucket used, with the median (p50) and the 99th
/// percentile marked by vertical lines where ``WaitHistogram`` interpolates them.
struct WaitHistogramChart {
    static let width = 1000.0
    static let height = 150.0
    /// Room under the bars for the bucket labels.
    static let axisHeight = 18.0
    /// Room above the bars for the percentile labels.
    static let topMargin = 16.0

    var histogram: [UInt64]
    var p50Nanoseconds: UInt64?
    var p99Nanoseconds: UInt64?

    /// The chart of `lock`'s waits.
    init(lock: LockReport) {
        histogram = lock.waitHistogram
        p50Nanoseconds = lock.waitP50Nanoseconds
        p99Nanoseconds = lock.waitP99Nanoseconds
    }

    /// The buckets drawn: from the first to the last that counted a wait.
    var range: ClosedRange<Int>? {
        guard let first = histogram.firstIndex(where: { $0 > 0 }), let last = histogram.lastIndex(where: { $0 > 0 }) else { return nil }
        return first...last
    }

    /// The SVG element; nil when no wait was counted.
    func svg(lockName: String) -> String? {
        guard let range else { return nil }
        let columns = Double(range.count)
        let barWidth = Self.width / columns
        let tallest = Double(range.map { histogram[$0] }.max() ?? 1)
        let plotHeight = Self.height - Self.axisHeight - Self.topMargin
        var parts: [String] = []
        for bucket in range {
            let count = histogram[bucket]
            let x = Double(bucket - range.lowerBound) * barWidth
            let barHeight = count == 0 ? 0 : max(plotHeight * Double(count) / tallest, 1)
            let low = Self.power(bucket)
            let title = "\(ReportFormatting.duration(nanoseconds: low)) – \(ReportFormatting.duration(nanoseconds: Self.power(bucket + 1))): "
                + ReportFormatting.count(count, "wait")
            parts.append(
                "<g class=\"bar\"><title>\(MarkupEscaping.text(title))</title><rect x=\"\(SVGNumber.format(x + 1))\" "
                    + "y=\"\(SVGNumber.format(Self.topMargin + plotHeight - barHeight))\" width=\"\(SVGNumber.format(max(barWidth - 2, 1)))\" "
                    + "height=\"\(SVGNumber.format(barHeight))\"/></g>")
            if (bucket - range.lowerBound) % max(range.count / 12, 1) == 0 {
                parts.append(
                    "<text class=\"axis\" x=\"\(SVGNumber.format(x + 1))\" y=\"\(SVGNumber.format(Self.height - 4))\">"
                        + "\(ReportFormatting.duration(nanoseconds: low))</text>")
            }
        }
        for (label, value) in [("p50", p50Nanoseconds), ("p99", p99Nanoseconds)] {
            guard let value else { continue }
            let x = position(of: value, in: range) * barWidth
            parts.append(
                "<g class=\"percentile \(label)\"><title>\(label) wait: \(ReportFormatting.duration(nanoseconds: value))</title>"
                    + "<line x1=\"\(SVGNumber.format(x))\" x2=\"\(SVGNumber.format(x))\" y1=\"\(SVGNumber.format(Self.topMargin - 2))\" "
                    + "y2=\"\(SVGNumber.format(Self.height - Self.axisHeight))\"/>"
                    + "<text x=\"\(SVGNumber.format(min(x + 3, Self.width - 90)))\" y=\"\(SVGNumber.format(Self.topMargin - 4))\">"
                    + "\(label) \(ReportFormatting.duration(nanoseconds: value))</text></g>")
        }
        return "<svg class=\"histogram\" viewBox=\"0 0 \(SVGNumber.format(Self.width)) \(SVGNumber.format(Self.height))\" width=\"100%\" "
            + "role=\"img\" aria-label=\"wait histogram of \(MarkupEscaping.text(lockName))\">\n" + parts.joined(separator: "\n") + "\n</svg>"
    }

    /// Where `value` falls, in columns from the first drawn bucket: its bucket, plus how far into
    /// the bucket it lies (linearly, as the percentiles are interpolated).
    func position(of value: UInt64, in range: ClosedRange<Int>) -> Double {
        let bucket = WaitHistogram.bucket(of: value)
        let low = Double(Self.power(bucket))
        let within = min(max((Double(value) - low) / low, 0), 1)
        return min(max(Double(bucket - range.lowerBound) + within, 0), Double(range.count))
    }

    /// `2^exponent` nanoseconds, saturating.
    static func power(_ exponent: Int) -> UInt64 { exponent >= 64 ? .max : UInt64(1) << UInt64(exponent) }
}

/// Human units for durations and fractions, shared by the renderers and messages: three
/// significant digits, `ns`/`µs`/`ms`/`s`, percentages with one decimal.
package enum ReportFormatting {
    /// `850 ns`, `12.3 µs`, `4.10 ms`, `3.21 s`.
    package static func duration(nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds)
        if nanoseconds < 1_000 { return "\(nanoseconds) ns" }
        if value < 999_500 { return significant(value / 1e3) + " µs" }
        if value < 999_500_000 { return significant(value / 1e6) + " ms" }
        return significant(value / 1e9) + " s"
    }

    /// A fraction as a percentage: `0.1` → `10%`, `2.1243` → `212.4%`, `0.0004` → `0%`.
    package static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "∞%" }
        let text = fixed(fraction * 100, decimals: 1)
        return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + "%"
    }

    /// A percentage that always shows one decimal (`62.0%`), for table columns.
    package static func percentColumn(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "∞%" }
        return fixed(fraction * 100, decimals: 1) + "%"
    }

    /// Like ``percentColumn(_:)``, but a non-zero share never reads `0.0%`: below 0.05% it is
    /// `<0.1%` (and `>99.9%` just short of 100%), so a few waits never look like none.
    package static func percentNonZero(_ fraction: Double) -> String {
        if fraction > 0 && fraction < 0.0005 { return "<0.1%" }
        if fraction < 1 && fraction > 0.9995 { return ">99.9%" }
        return percentColumn(fraction)
    }

    /// Three significant digits for values from 1 to 999.
    static func significant(_ value: Double) -> String {
        if value < 9.995 { return fixed(value, decimals: 2) }
        if value < 99.95 { return fixed(value, decimals: 1) }
        return fixed(value, decimals: 0)
    }

    /// `value` rounded to `decimals` places, without Foundation's `String(format:)`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let units = UInt64(scaled)
        let whole = units / UInt64(scale)
        let sign = value < 0 && units > 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let fraction = String(units % UInt64(scale))
        return "\(sign)\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// `1 signal`, `3 signals`.
    package static func count(_ value: UInt64, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }
}

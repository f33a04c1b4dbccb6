/// Makes text from a trace safe inside HTML, inline SVG and XML (the JUnit report): lock names,
/// thread names and frames are whatever the traced program (or a forged trace) says, so every one
/// of them goes through ``text(_:)`` before it reaches a page. The HTML page puts no trace text
/// inside `<script>` or `<style>`, so escaping the five markup characters is enough for text and
/// for quoted attributes.
///
/// ```swift
/// MarkupEscaping.text("<script>") // "&lt;script&gt;"
/// ```
package enum MarkupEscaping {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references (valid in both
    /// HTML and XML), and control characters other than tab and newline, which neither allows,
    /// made spaces.
    package static func text(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            default:
                let control = scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
                escaped.unicodeScalars.append(control ? " " : scalar)
            }
        }
        return escaped
    }

    /// A fragment identifier made only of `[a-z0-9-]`, for `id` and `href="#…"`: the lock's
    /// position makes it unique, its name only helps a reader of the address bar.
    static func anchor(_ prefix: String, _ index: Int, _ name: String) -> String {
        let slug = String(
            name.lowercased().unicodeScalars.prefix(40).map { scalar -> Character in
                ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "-"
            })
        return "\(prefix)-\(index)-\(slug)"
    }
}

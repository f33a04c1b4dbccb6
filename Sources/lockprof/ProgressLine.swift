import LockProfAnalysis
import LockProfFormat

/// `lockprof: reading trace.bin: 1310720 records` on standard error while a large trace is read,
/// rewritten in place, erased when reading is done. Only when standard error is a terminal: a
/// log or a pipe never sees it. No colour, no escape sequences: a carriage return and spaces.
final class ProgressLine {
    private var shownWidth = 0

    /// A progress line for `TraceLoader`, or nil when standard error is not a terminal.
    static func onTerminal() -> ProgressLine? { FileDescriptor.standardError.isTerminal ? ProgressLine() : nil }

    /// The callback to give the analysis.
    var callback: TraceLoader.Progress { { [self] path, records in show("lockprof: reading \(path): \(records) records") } }

    private func show(_ text: String) {
        let padding = String(repeating: " ", count: max(0, shownWidth - text.count))
        emit("\r" + text + padding)
        shownWidth = text.count
    }

    /// Erases the line.
    func finish() {
        guard shownWidth > 0 else { return }
        emit("\r" + String(repeating: " ", count: shownWidth) + "\r")
        shownWidth = 0
    }

    /// Best effort: a progress line that cannot be shown is not worth failing the report for.
    private func emit(_ text: String) { try? FileDescriptor.standardError.writeAll(text) }
}

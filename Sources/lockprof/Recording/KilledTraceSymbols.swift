import Foundation
import LockProf
import LockProfAnalysis
import LockProfFormat

/// Symbolizes, when a trace is read, the frames of a process that wrote none (killed while
/// recording): ``LateSymbolization``'s resolver, with the same `llvm-symbolizer` run the runtime
/// and `lockprof record` use (``SessionSymbolizer``), never in the profiled program.
///
/// A module is read only if its file is still there and was not modified after the recording
/// began: a binary rebuilt since would give other functions' names, which is worse than
/// `0x<offset>`. The report's note names the modules left out.
enum KilledTraceSymbols {
    /// Registers the resolver with ``LateSymbolization``. Called once, before any command runs.
    static func register() {
        LateSymbolization.register { frames, modules, startedAt in
            // Only the modules some frame is in: the others are neither read nor named.
            let used = Set(frames.map(\.moduleID))
            let readable = modules.filter { used.contains($0.key) && isUnchanged(path: $0.value.path, since: startedAt) }
            let changed = modules.filter { used.contains($0.key) && readable[$0.key] == nil }.map(\.value.path).sorted()
            let symbols = SessionSymbolizer.symbolize(
                frames: frames.filter { readable[$0.moduleID] != nil }, modules: readable, inThisProcess: false)
            return LateSymbolization.Resolved(symbols: symbols, changedModules: changed)
        }
    }

    /// Whether the file at `path` exists and was last modified before `since` (wall-clock
    /// nanoseconds; nil: the trace does not say when it began, so only existence is checked).
    static func isUnchanged(path: String, since: UInt64?) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        else { return false }
        guard let since else { return true }
        return modified.timeIntervalSince1970 * 1e9 <= Double(since)
    }
}

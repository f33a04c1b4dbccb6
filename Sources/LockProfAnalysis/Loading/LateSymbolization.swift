import LockProfFormat
import Synchronization

/// Symbols for a trace whose process never wrote its own: a program killed (`kill -9`, a crash)
/// while recording leaves its stacks and modules but not the `symbol` records the runtime writes
/// when the session stops, so every frame would read `0x<offset>`.
///
/// The analysis cannot symbolize (it runs no tool); whoever can registers a resolver — the
/// `lockprof` tool does, with the toolchain's `llvm-symbolizer`, the same one the runtime uses —
/// and ``TraceLoader/load(paths:progress:)`` asks it for the frames of each process that has
/// stacks and no symbol at all, against the binaries at the paths the trace names. The report
/// says so in a note (``ReportNote/symbolizedAfterTheProcess(path:changedModules:)``), and names
/// the modules the resolver would not read because they changed after the recording began: a
/// rebuilt binary would give the wrong names.
///
/// ```swift
/// LateSymbolization.register { frames, modules, startedAt in
///     LateSymbolization.Resolved(symbols: symbolize(frames, modules), changedModules: [])
/// }
/// ```
public enum LateSymbolization {
    /// What a resolver found: symbols for some of the frames, and the paths of the modules it
    /// left alone because the file is gone or changed after `startedAt`.
    public struct Resolved: Sendable {
        /// One record per frame resolved.
        public var symbols: [SymbolRecord]
        /// Paths of modules not read: missing, or modified after the recording began.
        public var changedModules: [String]

        /// What a resolver returns.
        public init(symbols: [SymbolRecord], changedModules: [String]) {
            self.symbols = symbols
            self.changedModules = changedModules
        }
    }

    /// Resolves `frames`, whose module ids `modules` names; `startedAt` is when the process began
    /// recording (wall clock, nanoseconds since 1970), nil when the trace does not say.
    public typealias Resolver = @Sendable (
        _ frames: [Frame], _ modules: [UInt32: ModuleRecord], _ startedAt: UInt64?
    ) -> Resolved

    private static let resolver = Mutex<Resolver?>(nil)

    /// Makes `resolve` the resolver of traces loaded from now on.
    public static func register(_ resolve: @escaping Resolver) {
        resolver.withLock { $0 = resolve }
    }

    /// Adds symbols to `trace` when it has stacks and none, and a resolver is registered;
    /// returns the note to show, nil when nothing was resolved.
    static func symbolize(_ trace: inout ProcessTrace) -> ReportNote? {
        guard trace.symbols.isEmpty, !trace.stacks.isEmpty, let resolve = resolver.withLock({ $0 }) else { return nil }
        let frames = Set(trace.stacks.values.joined())
        let resolved = resolve(Array(frames), trace.modules, trace.process?.startWallNanoseconds)
        // Nothing resolved and no module left out (no symbolizer on this machine): no claim that
        // frames were resolved; the incomplete-trace note already says the run was cut short.
        guard !resolved.symbols.isEmpty || !resolved.changedModules.isEmpty else { return nil }
        for symbol in resolved.symbols { trace.symbols[symbol.frame] = symbol }
        return .symbolizedAfterTheProcess(path: trace.files.joined(separator: ", "), changedModules: resolved.changedModules)
    }
}

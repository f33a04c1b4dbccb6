import LockProfFormat

/// Turns one process's stack ids into readable frames, using the `symbol` and `module` records
/// the runtime wrote at the end of the session.
///
/// A frame with no symbol (a trace cut before the symbols were written, or an address the runtime
/// could not resolve) reads `0x<offset>` with no file or line. Leading frames inside the profiler,
/// the Swift runtime or the C library are trimmed (see ``FrameTrimming``), so the first frame is
/// the user's code that called `lock()` or `withLock`; the executor frames that ran an async
/// job fold into one `[Swift concurrency executor]` frame (``ExecutorFolding``).
///
/// Every stack is resolved once, when the symbolizer is made: the same stack shows up under many
/// locks and on both sides, and the reports then share one array of frames per stack instead of
/// each resolving and holding its own copy (this was most of `lockprof report`'s fixed time and
/// memory on a trace with many locks and stacks; docs/performance.md).
package struct Symbolizer: Sendable {
    private let symbols: [Frame: SymbolRecord]
    private let moduleNames: [UInt32: String]
    private var resolvedStacks: [UInt32: [FrameReport]] = [:]
    private var poolStacks: Set<UInt32> = []

    package init(trace: ProcessTrace) {
        symbols = trace.symbols
        moduleNames = trace.modules.mapValues { Self.basename($0.path) }
        for (stackID, stack) in trace.stacks {
            let frames = stack.map(resolve)
            resolvedStacks[stackID] = ExecutorFolding.folded(FrameTrimming.trimmed(frames))
            if ExecutorFrames.ranOnConcurrencyPool(functions: frames.lazy.map(\.function)) { poolStacks.insert(stackID) }
        }
    }

    /// Whether stack `stackID` was captured on a thread of the Swift concurrency cooperative pool,
    /// running a task's job (``ExecutorFrames/ranOnConcurrencyPool(functions:)``, read from the
    /// frames before they were trimmed or folded).
    package func ranOnConcurrencyPool(stack stackID: UInt32) -> Bool {
        poolStacks.contains(stackID)
    }

    /// The frames of stack `stackID`, innermost first, profiler and runtime frames trimmed; empty
    /// when the stack is unknown.
    package func frames(ofStack stackID: UInt32) -> [FrameReport] {
        resolvedStacks[stackID] ?? []
    }

    /// What one frame address means.
    package func resolve(_ frame: Frame) -> FrameReport {
        let module = frame.moduleID == 0 ? nil : moduleNames[frame.moduleID]
        guard let symbol = symbols[frame] else {
            return FrameReport(function: "0x" + String(frame.offset, radix: 16), module: module)
        }
        // A file without a line is llvm-symbolizer's guess (SymbolRecord.knownFile).
        return FrameReport(function: symbol.function, file: symbol.knownFile, line: symbol.knownLine, module: module)
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// The frames of a stack that ran an async job — the Swift concurrency runtime's executor,
/// libdispatch, the thread's start — and how they fold into one frame,
/// `[Swift concurrency executor]`: the one definition that the report (LockProfAnalysis) and the
/// live profile (LockProf's `/debug/pprof/…`) both fold with, so that the same stack reads the
/// same in both.
///
/// A stack captured inside a task reads, outwards: the user's async function, its async callers
/// (found through the async context chain, stack.c), then the executor that ran the job —
/// `swift::runJobInEstablishedExecutorContext`, `swift_job_run`, `_dispatch_…`, `start_thread` —
/// and the task's completion resume point. Those say only "this ran in a task"; one line says it.
/// Only frames past the first user frame fold, and a stack with no executor frame is unchanged.
///
/// A frame is known by its demangled function name and the basename of its module (nil when
/// unknown or not kept).
package enum ExecutorFrames {
    /// The name of the one frame the executor frames fold into.
    package static let foldedName = "[Swift concurrency executor]"

    /// `frames` (innermost first) with the run of executor frames after the first user frame
    /// replaced by `foldedFrame(first folded frame)`; `isUserFrame` says which frames are the
    /// user's (the caller's trimming rule).
    ///
    /// ```swift
    /// let folded = ExecutorFrames.folded(frames, function: \.function, module: \.module,
    ///                                    isUserFrame: { !isRuntime($0) }) { _ in Frame(function: ExecutorFrames.foldedName) }
    /// ```
    package static func folded<Frame>(
        _ frames: [Frame], function: (Frame) -> String, module: (Frame) -> String?, isUserFrame: (Frame) -> Bool,
        foldedFrame: (Frame) -> Frame
    ) -> [Frame] {
        guard let range = foldedRange(frames, function: function, module: module, isUserFrame: isUserFrame) else { return frames }
        return Array(frames[..<range.lowerBound]) + [foldedFrame(frames[range.lowerBound])] + frames[range.upperBound...]
    }

    /// The indices of `frames` that fold into one frame, nil when none do: from the first
    /// executor frame after the first user frame (with the compiler's thunks just before it)
    /// through every executor, thunk or non-user frame after it.
    package static func foldedRange<Frame>(
        _ frames: [Frame], function: (Frame) -> String, module: (Frame) -> String?, isUserFrame: (Frame) -> Bool
    ) -> Range<Int>? {
        guard let firstUser = frames.firstIndex(where: isUserFrame),
            let firstExecutor = frames[(firstUser + 1)...].firstIndex(where: { isExecutor(function: function($0), module: module($0)) })
        else { return nil }
        // The runtime's thunks between the task's closure and the executor go with it.
        var start = firstExecutor
        while start > firstUser + 1, isConcurrencyThunk(function: function(frames[start - 1])) { start -= 1 }
        var end = start
        while end < frames.endIndex {
            let frame = frames[end]
            guard isExecutor(function: function(frame), module: module(frame)) || isConcurrencyThunk(function: function(frame))
                || isThreadStart(function: function(frame), module: module(frame)) || !isUserFrame(frame)
            else { break }
            end += 1
        }
        return start..<end
    }

    /// Whether a stack (its frames' functions and modules, in any order) waited on a thread of
    /// the Swift concurrency cooperative pool: a frame of the runtime that runs a task's job
    /// (`swift_job_run`, `swift::runJobInEstablishedExecutorContext`) and none of the main
    /// queue's drain (a main-actor job runs on the main thread, not in the pool).
    package static func ranOnConcurrencyPool<Frames: Sequence>(functions: Frames) -> Bool where Frames.Element == String {
        var ranJob = false
        for function in functions {
            if mainQueueFunctionPrefixes.contains(where: { function.hasPrefix($0) }) { return false }
            if jobRunnerFunctionPrefixes.contains(where: { function.hasPrefix($0) }) { ranJob = true }
        }
        return ranJob
    }

    /// Whether the frame is the concurrency runtime's or libdispatch's, which run jobs and tasks.
    package static func isExecutor(function: String, module: String?) -> Bool {
        if let module, executorModulePrefixes.contains(where: { module.hasPrefix($0) }) { return true }
        return executorFunctionPrefixes.contains { function.hasPrefix($0) }
    }

    /// A thunk the compiler put between a task's closure and the runtime: a reabstraction thunk
    /// (`(1) await resume partial function for reabstraction thunk helper <A …> from …`) or the
    /// partial-apply forwarder of the closure itself, which would otherwise read as the closure a
    /// second time (`… for partial apply forwarder for closure #1 () async -> () in …`).
    package static func isConcurrencyThunk(function: String) -> Bool {
        if function.contains("reabstraction thunk") && function.contains("@async") { return true }
        return function.contains("resume partial function for partial apply forwarder for") && function.contains("async")
    }

    /// Whether the frame is the C library's start of a thread (outermost under an executor).
    package static func isThreadStart(function: String, module: String?) -> Bool {
        if let module, threadStartModulePrefixes.contains(where: { module.hasPrefix($0) }) { return true }
        return threadStartFunctionPrefixes.contains { function.hasPrefix($0) }
    }

    /// The shared objects of the executor (the runtime may also be linked statically).
    static let executorModulePrefixes = ["libswift_Concurrency.", "libdispatch."]

    /// Its functions, when the module is the executable (a static runtime) or unknown.
    static let executorFunctionPrefixes = [
        "swift::runJob", "swift_job_run", "swift_task_", "swift::", "_dispatch_", "(anonymous namespace)::",
        "completeTask",
    ]

    /// The runtime's functions that run one job of a task.
    static let jobRunnerFunctionPrefixes = ["swift_job_run", "swift::runJobInEstablishedExecutorContext"]

    /// libdispatch's drain of the main queue, which runs main-actor jobs on the main thread.
    static let mainQueueFunctionPrefixes = ["_dispatch_main_queue", "_dispatch_main_q", "dispatch_main"]

    /// Where a thread starts: the C library's thread entry.
    static let threadStartModulePrefixes = ["libc.", "libc-", "libpthread."]
    static let threadStartFunctionPrefixes = ["start_thread", "clone", "__clone", "thread_start"]
}

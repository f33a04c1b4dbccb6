/// The frames that ran an async job (the Swift concurrency runtime's executor, libdispatch, the
/// thread's start) folded into one frame, `[Swift concurrency executor]`.
///
/// A stack captured inside a task reads, outwards: the user's async function, its async callers
/// (found through the async context chain, stack.c), then the executor that ran the job —
/// `swift::runJobInEstablishedExecutorContext`, `swift_job_run`, `_dispatch_…`, `start_thread` —
/// and the task's completion resume point. Those say only "this ran in a task"; one line says it.
/// Only frames past the first user frame fold (leading ones are trimmed, ``FrameTrimming``), and
/// a stack with no executor frame is unchanged.
package enum ExecutorFolding {
    /// The name of the one frame the executor frames fold into.
    package static let executorFrame = "[Swift concurrency executor]"

    /// `frames` (trimmed, innermost first) with the run of executor and runtime frames that
    /// starts at the first executor frame after a user frame replaced by ``executorFrame``.
    package static func folded(_ frames: [FrameReport]) -> [FrameReport] {
        guard let firstUser = frames.firstIndex(where: { !FrameTrimming.isProfilerOrRuntime($0) }),
            let firstExecutor = frames[(firstUser + 1)...].firstIndex(where: isExecutor)
        else { return frames }
        // The runtime's thunks between the task's closure and the executor go with it.
        var start = firstExecutor
        while start > firstUser + 1, isConcurrencyThunk(frames[start - 1]) { start -= 1 }
        var end = start
        while end < frames.endIndex, isExecutor(frames[end]) || isConcurrencyThunk(frames[end]) || FrameTrimming.isProfilerOrRuntime(frames[end]) {
            end += 1
        }
        return Array(frames[..<start]) + [FrameReport(function: executorFrame)] + frames[end...]
    }

    /// Whether `frame` is the concurrency runtime's or libdispatch's, which run jobs and tasks.
    static func isExecutor(_ frame: FrameReport) -> Bool {
        if let module = frame.module, executorModulePrefixes.contains(where: { module.hasPrefix($0) }) { return true }
        return executorFunctionPrefixes.contains { frame.function.hasPrefix($0) }
    }

    /// A thunk the compiler put between a task's closure and the runtime: a reabstraction thunk
    /// (`(1) await resume partial function for reabstraction thunk helper <A …> from …`) or the
    /// partial-apply forwarder of the closure itself, which would otherwise read as the closure a
    /// second time (`… for partial apply forwarder for closure #1 () async -> () in …`).
    static func isConcurrencyThunk(_ frame: FrameReport) -> Bool {
        let function = frame.function
        if function.contains("reabstraction thunk") && function.contains("@async") { return true }
        return function.contains("resume partial function for partial apply forwarder for") && function.contains("async")
    }

    /// The shared objects of the executor (the runtime may also be linked statically).
    static let executorModulePrefixes = ["libswift_Concurrency.", "libdispatch."]

    /// Its functions, when the module is the executable (a static runtime) or unknown.
    static let executorFunctionPrefixes = [
        "swift::runJob", "swift_job_run", "swift_task_", "swift::", "_dispatch_", "(anonymous namespace)::",
        "completeTask",
    ]
}

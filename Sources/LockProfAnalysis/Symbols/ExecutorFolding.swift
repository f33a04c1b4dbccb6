import LockProfFormat

/// The report's frames with the executor frames that ran an async job folded into one frame,
/// `[Swift concurrency executor]`, by the rule the live profile folds with too
/// (``ExecutorFrames``, LockProfFormat). Frames are trimmed first (``FrameTrimming``); a stack
/// with no executor frame is unchanged.
package enum ExecutorFolding {
    /// The name of the one frame the executor frames fold into.
    package static let executorFrame = ExecutorFrames.foldedName

    /// `frames` (trimmed, innermost first) with the run of executor and runtime frames that
    /// starts at the first executor frame after a user frame replaced by ``executorFrame``.
    package static func folded(_ frames: [FrameReport]) -> [FrameReport] {
        ExecutorFrames.folded(
            frames, function: \.function, module: \.module, isUserFrame: { !FrameTrimming.isProfilerOrRuntime($0) },
            foldedFrame: { _ in FrameReport(function: executorFrame) })
    }
}

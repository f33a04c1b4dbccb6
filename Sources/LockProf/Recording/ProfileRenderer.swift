import LockProfFormat
import LockProfPprof

/// Turns the in-memory profile into a pprof profile in exactly the shape of Go's contention
/// profiles (`/debug/pprof/mutex`, `/debug/pprof/block`): period type `contentions`/`count`,
/// period 1, sample types `contentions`/`count` and `delay`/`nanoseconds` — the names the
/// scrapers' delta logic matches — plus the labels `lock` (its name) and `lock_kind`.
///
/// The lock's own frames (the innermost `LockProf.…` and runtime frames of a captured stack) are
/// trimmed and the executor frames under a task's callers fold into one, as in the report; a wait
/// without a captured stack is one `[stack not captured]` frame, a lock's weight past its cap of
/// distinct stacks is one `[other stacks]` frame, so each lock's samples add up to its whole
/// recorded wait.
struct ProfileRenderer {
    static let notCaptured = "[stack not captured]"
    static let otherStacks = "[other stacks]"
    static let framesNotKept = "[stack frames not kept]"

    var side: ProfileSide
    var profile: ContentionProfile = .shared
    var symbols: ProfileSymbols = .shared

    /// One sample's weight and frames.
    struct Row {
        var lock: LockIdentity?
        var lockID: UInt32
        var figures: ContentionProfileSnapshot.Figures
        var frames: [PprofProfile.Frame]
    }

    /// The samples of `side` in `snapshot`, heaviest first, with lock identities from the registry.
    func rows(_ snapshot: ContentionProfileSnapshot) -> [Row] {
        let entries = snapshot.figures.filter { $0.key.side == side && $0.value.contentions + $0.value.delayNanoseconds > 0 }
        // Only the locks named by the profile (the registry may hold many more).
        var identities: [UInt32: LockIdentity] = [:]
        for lockID in Set(entries.keys.map(\.lockID)) where lockID != 0 {
            identities[lockID] = LockRegistry.shared.identity(of: lockID)
        }
        let stackFrames = symbols.frames(
            ofStacks: Set(entries.keys.filter { !$0.isOtherStacks && $0.stack != 0 }.map(\.stack)), in: profile.stacks,
            trim: Self.trimmedAndFolded)
        var rows: [Row] = []
        for (key, figures) in entries {
            let frames: [PprofProfile.Frame]
            if key.isOtherStacks {
                frames = [PprofProfile.Frame(function: Self.otherStacks)]
            } else if key.stack == 0 {
                frames = [PprofProfile.Frame(function: Self.notCaptured)]
            } else if let symbolized = stackFrames[key.stack] {
                frames = symbolized
            } else {
                frames = [PprofProfile.Frame(function: Self.framesNotKept)]
            }
            rows.append(Row(lock: identities[key.lockID], lockID: key.lockID, figures: figures, frames: frames))
        }
        return rows.sorted { ($0.figures.delayNanoseconds, $1.lockID) > ($1.figures.delayNanoseconds, $0.lockID) }
    }

    /// The pprof profile of `snapshot` (a delta when `since` was subtracted), covering `duration`.
    func pprofProfile(_ snapshot: ContentionProfileSnapshot, durationNanoseconds: UInt64) -> PprofProfile {
        var result = PprofProfile(sampleTypes: [.init("contentions", "count"), .init("delay", "nanoseconds")])
        result.periodType = .init("contentions", "count")
        result.period = 1
        result.timeNanoseconds = Int64(clamping: snapshot.wallTime)
        result.durationNanoseconds = Int64(clamping: durationNanoseconds)
        for row in rows(snapshot) {
            result.samples.append(
                PprofProfile.Sample(
                    frames: row.frames,
                    values: [Int64(clamping: row.figures.contentions), Int64(clamping: row.figures.delayNanoseconds)],
                    labels: [.init("lock", Self.name(row)), .init("lock_kind", row.lock.map { "\($0.kind)" } ?? "unknown")]))
        }
        return result
    }

    /// Go's `?debug=1` text: a header, then per sample `delay count @ addresses` and its frames.
    func text(_ snapshot: ContentionProfileSnapshot) -> String {
        var lines = [side == .holder ? "--- mutex:" : "--- contention:", "cycles/second=1000000000", "sampling period=1"]
        for row in rows(snapshot) {
            let addresses = row.frames.map { "0x" + String($0.address, radix: 16) }.joined(separator: " ")
            lines.append("\(row.figures.delayNanoseconds) \(row.figures.contentions) @ \(addresses)")
            lines.append("# lock=\(Self.name(row)) lock_kind=\(row.lock.map { "\($0.kind)" } ?? "unknown")")
            for frame in row.frames {
                let place = frame.file.isEmpty ? "" : "\t\(frame.file):\(frame.line)"
                lines.append("#\t0x\(String(frame.address, radix: 16))\t\(frame.function)\(place)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func name(_ row: Row) -> String {
        if row.lockID == 0 { return "[other locks]" }
        return row.lock?.name ?? "lock #\(row.lockID)"
    }

    /// `frames` without the leading profiler and runtime frames (all of them when none is left).
    static func trimmed(_ frames: [PprofProfile.Frame]) -> [PprofProfile.Frame] {
        guard let first = frames.firstIndex(where: { !isProfilerOrRuntime($0.function) }) else { return frames }
        return Array(frames[first...])
    }

    /// `frames` trimmed, with the executor frames that ran an async job folded into one
    /// `[Swift concurrency executor]` frame by the report's rule (``ExecutorFrames``), at the
    /// address of the first frame it replaces.
    static func trimmedAndFolded(_ frames: [ProfileSymbols.ModuleFrame]) -> [PprofProfile.Frame] {
        let first = frames.firstIndex { !isProfilerOrRuntime($0.frame.function) } ?? frames.startIndex
        let folded = ExecutorFrames.folded(
            Array(frames[first...]), function: \.frame.function, module: \.module,
            isUserFrame: { !isProfilerOrRuntime($0.frame.function) && !isRuntimeModule($0.module) },
            foldedFrame: {
                ProfileSymbols.ModuleFrame(frame: PprofProfile.Frame(function: ExecutorFrames.foldedName, address: $0.frame.address))
            })
        return folded.map(\.frame)
    }

    /// Shared objects whose frames are never the user's code (past the first user frame, they
    /// fold with the executor).
    static func isRuntimeModule(_ module: String?) -> Bool {
        guard let module else { return false }
        return ["libswiftCore.", "libswift_Concurrency.", "libdispatch.", "libc.", "libc-", "libpthread."].contains { module.hasPrefix($0) }
    }

    static func isProfilerOrRuntime(_ function: String) -> Bool {
        var name = Substring(function)
        var changed = true
        while changed {
            changed = false
            for prefix in ["specialized ", "merged ", "outlined ", "static ", "(extension in LockProf):"] where name.hasPrefix(prefix) {
                name = name.dropFirst(prefix.count)
                changed = true
            }
            if name.hasPrefix("closure #"), let inRange = name.firstRange(of: " in ") {
                name = name[inRange.upperBound...]
                changed = true
            }
        }
        return ["LockProf.", "lockprof_", "swift_", "__lll_", "pthread_", "syscall", "unw_", "_ULx86_64_"].contains {
            name.hasPrefix($0)
        }
    }
}

/// Which leading frames of a captured stack are the profiler's or the system's own, and not the
/// user's code.
///
/// Stacks are captured inside the profiled lock, so their innermost frames are `LockProf.…`
/// functions, the Swift runtime, the C library or libunwind. Those are trimmed up to the first
/// frame that is none of them; frames further out are kept whatever they are, and a stack with no
/// user frame at all is kept whole.
package enum FrameTrimming {
    /// `frames` (innermost first) without the leading profiler and runtime frames.
    package static func trimmed(_ frames: [FrameReport]) -> [FrameReport] {
        guard let firstUserFrame = frames.firstIndex(where: { !isProfilerOrRuntime($0) }) else { return frames }
        return Array(frames[firstUserFrame...])
    }

    /// Whether `frame` belongs to the profiler, the Swift runtime, libc or libunwind, or to a
    /// lock wrapper a program recorded as it is (`lockprof record`) locks through: Foundation's
    /// `NSLock` family, swift-nio's `NIOLock` family (``isLockWrapper(_:)``).
    package static func isProfilerOrRuntime(_ frame: FrameReport) -> Bool {
        if let module = frame.module, runtimeModulePrefixes.contains(where: { module.hasPrefix($0) }) { return true }
        let function = unwrapped(frame.function)
        if function.hasPrefix("LockProf.") || function.hasPrefix("CLockProfSupport.") { return true }
        if isLockWrapper(frame) { return true }
        return runtimeFunctionPrefixes.contains { function.hasPrefix($0) }
    }

    /// Whether `frame` is inside a library's lock type rather than the code using it: Foundation
    /// (`NSLock`, `NSCondition`, FoundationEssentials' `LockedState`) or NIOConcurrencyHelpers
    /// (`NIOLock`, `NIOLockedValueBox`), linked as a shared object or into the executable.
    package static func isLockWrapper(_ frame: FrameReport) -> Bool {
        if let module = frame.module, lockWrapperModulePrefixes.contains(where: { module.hasPrefix($0) }) { return true }
        let function = unwrapped(frame.function)
        return lockWrapperFunctionPrefixes.contains { function.hasPrefix($0) }
    }

    /// The type a lock-wrapper frame belongs to (`NSLock` for `Foundation.NSLock.init()`), nil
    /// when it is not one.
    package static func lockWrapperType(_ frame: FrameReport) -> String? {
        let function = unwrapped(frame.function)
        guard let prefix = lockWrapperFunctionPrefixes.first(where: { function.hasPrefix($0) }) else { return nil }
        let type = function.dropFirst(prefix.count).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return type.isEmpty ? nil : String(type)
    }

    /// Shared objects holding lock wrappers, and lockprof's interposition library.
    static let lockWrapperModulePrefixes = [
        "libFoundation.", "libFoundationEssentials.", "libFoundationInternationalization.", "liblockprof-preload.",
    ]

    /// Modules whose types wrap a pthread lock, as their functions' names begin.
    static let lockWrapperFunctionPrefixes = ["Foundation.", "FoundationEssentials.", "NIOConcurrencyHelpers."]

    /// Shared objects whose frames are never the user's code.
    static let runtimeModulePrefixes = [
        "libswiftCore.", "libswift_Concurrency.", "libswiftSynchronization.", "libswiftGlibc.",
        "libswift_Volatile.", "libdispatch.", "libBlocksRuntime.", "libc.", "libc-", "libpthread.",
        "libunwind.", "libunwind-", "libgcc_s.", "ld-linux", "libstdc++.",
    ]

    /// C and runtime entry points (used when the module is unknown or is the executable itself,
    /// which links `CLockProfSupport` statically), and the standard library's generics compiled
    /// into the caller's module (`Swift.ManagedBuffer.withUnsafeMutablePointers`, through which
    /// `NIOLockedValueBox` locks): no user's module is named `Swift`.
    static let runtimeFunctionPrefixes = [
        "Swift.", "lockprof_", "swift_", "_swift_", "__swift", "pthread_", "__pthread", "__libc", "__GI_", "_Unwind_",
        "unw_", "_ULx86_64_", "_ULaarch64_", "_Ux86_64_", "_Uaarch64_", "__futex", "futex", "syscall",
        "__lll_", "clock_gettime", "__clock_gettime", "__vdso",
    ]

    /// The function a compiler-generated wrapper wraps: `specialized LockProf.X` → `LockProf.X`.
    static func unwrapped(_ function: Substring) -> Substring {
        var name = function
        var changed = true
        while changed {
            changed = false
            for prefix in wrapperPrefixes where name.hasPrefix(prefix) {
                name = name.dropFirst(prefix.count)
                changed = true
            }
            if name.hasPrefix("generic specialization <") || name.hasPrefix("function signature specialization <"),
                let of = name.firstRange(of: "> of ")
            {
                name = name[of.upperBound...]
                changed = true
            }
            // `(extension in LockProf):LockProf.X` (a constrained extension's method) is `LockProf.X`.
            if name.hasPrefix("(extension in "), let close = name.firstRange(of: "):") {
                name = name[close.upperBound...]
                changed = true
            }
            // `closure #1 (…) -> … in X` and `$defer #1 <A>() -> () in X` belong to X.
            if name.hasPrefix("closure #") || name.hasPrefix("$defer #"), let inRange = name.firstRange(of: " in ") {
                name = name[inRange.upperBound...]
                changed = true
            }
        }
        return name
    }

    static func unwrapped(_ function: String) -> Substring { unwrapped(function[...]) }

    static let wrapperPrefixes = [
        "specialized ", "merged ", "partial apply for ", "partial apply forwarder for ",
        "reabstraction thunk helper from ", "reabstraction thunk from ", "implicit closure #1 in ",
        "outlined copy of ", "outlined consume of ", "thunk for ", "@objc ", "dispatch thunk of ",
        "property wrapper backing initializer of ", "static ",
    ]
}

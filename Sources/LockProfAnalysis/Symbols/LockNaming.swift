/// Names a lock that a program recorded as it is (`lockprof record`) created through pthread, in
/// the user's words: where the user's code created it (the first frame of its creation stack
/// outside the lock wrappers, the Swift runtime and libc) and through which wrapper.
///
/// ```
/// UnmodifiedLocks/main.swift:12 (NSLock)
/// MyServer/Cache.swift:40 (NIOLockedValueBox)
/// worker.c:88 (pthread_mutex_t)
/// ```
package enum LockNaming {
    /// The lock's name and its creation site (`Module/File.swift:12`, or `0x…` when the stack had
    /// no symbol), from its creation stack `frames` (innermost first) and the primitive's C name
    /// (`pthread_mutex_t`), used when no wrapper shows in the stack.
    package static func name(creationStack frames: [FrameReport], primitive: String) -> (name: String, site: String) {
        let userIndex = frames.firstIndex { !FrameTrimming.isProfilerOrRuntime($0) && !isGenerated($0) }
        let inside = frames[..<(userIndex ?? frames.endIndex)]
        let wrapper: String
        if let innermost = inside.first(where: { !isPreload($0) }), innermost.module?.hasPrefix("libswiftCore.") == true {
            wrapper = "Swift runtime"  // a metadata or conformance cache lock, met on the way
        } else {
            wrapper = inside.compactMap(FrameTrimming.lockWrapperType).last ?? primitive
        }
        guard let userIndex else { return ("\(wrapper) (no user frame)", "") }
        let site = site(of: frames[userIndex])
        return ("\(site) (\(wrapper))", site)
    }

    /// Whether a name from ``name(creationStack:primitive:)`` is of a lock no user code can be
    /// said to have created: the Swift runtime's own (metadata and conformance caches) or one with
    /// no user frame. Their order with other locks is the runtime's business, not an inversion the
    /// user can fix, so lock-order pairs that involve them are left out.
    package static func isUnattributed(_ name: String) -> Bool {
        name.hasSuffix("(no user frame)") || name.hasSuffix("(Swift runtime)")
    }

    /// Code the compiler wrote (metadata accessors, thunks) or copied in (the standard library's
    /// generics specialized or inlined into the user's module, whose lines the debug info puts in
    /// a file named `<stdin>`): never where the user created a lock.
    static func isGenerated(_ frame: FrameReport) -> Bool {
        guard let file = frame.file else { return frame.function.hasPrefix("type metadata ") }
        return file.hasSuffix("<compiler-generated>") || file.hasSuffix("<stdin>") || frame.function.hasPrefix("type metadata ")
    }

    static func isPreload(_ frame: FrameReport) -> Bool { frame.module?.hasPrefix("liblockprof-preload.") == true }

    /// `Module/File.swift:12` for a Swift function of `Module`, `File.c:12` for others, the
    /// function itself when the file is unknown.
    package static func site(of frame: FrameReport) -> String {
        guard let file = frame.file else { return FunctionName.readable(frame.function) }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let position = frame.line.map { "\(base):\($0)" } ?? base
        let function = FrameTrimming.unwrapped(frame.function)
        guard file.hasSuffix(".swift"), let dot = function.firstIndex(of: "."), !function.hasPrefix("(") else {
            return position
        }
        return "\(function[..<dot])/\(position)"
    }
}

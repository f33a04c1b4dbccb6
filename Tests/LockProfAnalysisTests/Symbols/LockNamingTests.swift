import Testing

@testable import LockProfAnalysis

/// How a lock of a program recorded as it is gets its name from its creation stack.
struct LockNamingTests {
    private let preload = FrameReport(function: "pthread_mutex_lock", file: nil, line: nil, module: "liblockprof-preload.so")
    private let runtime = FrameReport(function: "swift_getGenericMetadata", file: nil, line: nil, module: "libswiftCore.so")
    /// The standard library's Dictionary, specialized into the server: its lines are in `<stdin>`.
    private let specialized = FrameReport(
        function: "generic specialization <Swift.String, Swift.Int> of Swift.Dictionary.subscript.modify : (A) -> Swift.Optional<B>",
        file: "/<stdin>", line: 0, module: "unmodified-server")
    private let user = FrameReport(
        function: "unmodified_server.HitCounter.record(Swift.String) -> Swift.Int",
        file: "/src/Examples/UnmodifiedServer/HitCounter.swift", line: 14, module: "unmodified-server")

    @Test func aRuntimeLockMetThroughASpecializedStandardLibraryGenericIsNamedAtTheUsersLine() {
        let named = LockNaming.name(creationStack: [preload, runtime, specialized, user], primitive: "pthread_mutex_t")
        #expect(named.name == "unmodified_server/HitCounter.swift:14 (Swift runtime)")
        #expect(named.site == "unmodified_server/HitCounter.swift:14")
    }

    @Test func aStackWhoseOnlyFramesAreCopiedInHasNoUserFrame() {
        let named = LockNaming.name(creationStack: [preload, runtime, specialized], primitive: "pthread_mutex_t")
        #expect(named.name == "Swift runtime (no user frame)")
        #expect(LockNaming.isUnattributed(named.name))
    }

    @Test func aLockCreatedInUserCodeThroughPthreadIsNamedThere() {
        let named = LockNaming.name(creationStack: [preload, user], primitive: "pthread_mutex_t")
        #expect(named.name == "unmodified_server/HitCounter.swift:14 (pthread_mutex_t)")
    }
}

import LockProfAnalysis
import LockProfFormat
import Testing

@Suite struct SymbolizerTests {
    @Test func profilerAndRuntimeFramesAreTrimmedSoTheTopFrameIsTheCaller() throws {
        let account = try #require(ContentionAnalysis.report(records: accountRun).locks.first)
        // Waiter stack 3 starts in libc's syscall, then LockProf, then withdraw.
        let waiter = try #require(account.waiterStacks.first { $0.stackID == 3 })
        #expect(waiter.frames.map(\.function) == ["Bank.Account.withdraw(amount: Swift.Int) -> ()"])
        #expect(waiter.frames.first?.module == "bank-service")
        #expect(waiter.frames.first?.file == "/src/Bank/Account.swift")
        #expect(waiter.frames.first?.line == 40)
        #expect(waiter.frames.first?.shortDescription == "Account.withdraw(amount:) (Account.swift:40)")
    }

    @Test func unknownFramesShowTheirOffset() {
        var trace = ProcessTrace(files: ["t"])
        trace.add(bankModule)
        trace.add(stack(9, [0x1f2e]))
        trace.add(.stack(StackRecord(stackID: 10, frames: [Frame(moduleID: 0, offset: 0xdead_beef)])))
        let symbolizer = Symbolizer(trace: trace)
        #expect(symbolizer.frames(ofStack: 9) == [FrameReport(function: "0x1f2e", module: "bank-service")])
        #expect(symbolizer.frames(ofStack: 10) == [FrameReport(function: "0xdeadbeef")])
        #expect(symbolizer.frames(ofStack: 11) == [])
    }

    @Test func aFileWithoutALineIsAGuessAndIsNotShown() {
        // As llvm-symbolizer resolved frames of libswift_Concurrency and libdispatch, which have
        // no debug information (issue 21), beside a frame with debug information.
        var trace = ProcessTrace(files: ["t"])
        trace.add(bankModule)
        trace.add(symbol(0x10, "swift::runJobInEstablishedExecutorContext(swift::Job*)", file: "crtstuff.c", line: nil))
        trace.add(symbol(0x20, "_dispatch_continuation_pop", file: "crtstuff.c", line: 0))
        trace.add(symbol(0x30, "CoreScenarios.recordSaleInTask(CoreScenarios.SalesTotals, Swift.Int) async -> ()", file: "/src/main.swift", line: 187))
        let symbolizer = Symbolizer(trace: trace)
        let runJob = symbolizer.resolve(Frame(moduleID: 1, offset: 0x10))
        #expect(runJob.file == nil)
        #expect(runJob.shortDescription == "swift::runJobInEstablishedExecutorContext")
        let pop = symbolizer.resolve(Frame(moduleID: 1, offset: 0x20))
        #expect(pop.file == nil && pop.line == nil)
        #expect(pop.shortDescription == "_dispatch_continuation_pop")
        let task = symbolizer.resolve(Frame(moduleID: 1, offset: 0x30))
        #expect(task.file == "/src/main.swift" && task.line == 187)
        #expect(task.shortDescription == "recordSaleInTask(_:_:) (async) (main.swift:187)")
    }

    @Test func wrappersAroundProfilerFunctionsAreTrimmedButUserClosuresAreKept() {
        let frames = [
            FrameReport(function: "swift_beginAccess", module: "libswiftCore.so"),
            FrameReport(function: "lockprof_capture_stack", module: "demo"),
            FrameReport(function: "generic specialization <Swift.Int> of LockProf.ProfiledMutex.withLock<A>((inout A) -> B) -> B", module: "demo"),
            FrameReport(function: "closure #1 () -> () in LockProf.ProfiledLock.withLock<A>(() throws -> A) throws -> A", module: "demo"),
            FrameReport(function: "closure #1 () -> () in demo.HotCounter.increment() -> ()", module: "demo"),
            FrameReport(function: "demo.HotCounter.increment() -> ()", module: "demo"),
            FrameReport(function: "LockProf.helper", module: "demo"),
        ]
        #expect(FrameTrimming.trimmed(frames).map(\.function) == [
            "closure #1 () -> () in demo.HotCounter.increment() -> ()", "demo.HotCounter.increment() -> ()", "LockProf.helper",
        ])
    }

    @Test func capturedRuntimeFramesAsTheToolchainNamesThemAreTrimmed() {
        // The innermost frames of a real stack captured by the runtime, as llvm-symbolizer and
        // the Swift demangler name them.
        let frames = [
            FrameReport(function: "closure #1 (LockProf.ThreadRing) -> Swift.UInt64 in static LockProf.Recorder.captureStack(at: Swift.UInt64) -> Swift.UInt64", module: "demo"),
            FrameReport(function: "static LockProf.Recorder.captureStack(at: Swift.UInt64) -> Swift.UInt64", module: "demo"),
            FrameReport(function: "LockProf.LockCore.unlockSlow() -> ()", module: "demo"),
            FrameReport(function: "$defer #1 <A>() -> () in LockProf.ProfiledLock.withLock<A>(() throws -> A) throws -> A", module: "demo"),
            FrameReport(function: "demo.BankAccount.withdraw(_: Swift.Int) -> Swift.Bool", module: "demo"),
        ]
        #expect(FrameTrimming.trimmed(frames).map(\.function) == ["demo.BankAccount.withdraw(_: Swift.Int) -> Swift.Bool"])
    }

    @Test func constrainedExtensionMethodsOfTheProfilerAreTrimmed() {
        let frames = [
            FrameReport(
                function: "(extension in LockProf):LockProf.ProfiledMutex< where A: ~Swift.Copyable>.withLock<A, B where B1: Swift.Error, "
                    + "A1: ~Swift.Copyable>((sending inout A) throws(B1) -> sending A1) throws(B1) -> A1", module: "demo"),
            FrameReport(function: "demo.StripedDictionary.set(_: Swift.UInt64, for: Swift.UInt64) -> ()", module: "demo"),
        ]
        #expect(FrameTrimming.trimmed(frames).map(\.function) == ["demo.StripedDictionary.set(_: Swift.UInt64, for: Swift.UInt64) -> ()"])
    }

    @Test func theStandardLibraryAndNIOFramesANIOLockedValueBoxLocksThroughAreTrimmed() {
        // A holder stack of `lockprof record`ing a swift-nio server (unmodified-server), innermost first.
        let frames = [
            FrameReport(
                function: "(extension in Swift):Swift.ManagedBuffer< where B: ~Swift.Copyable>.withUnsafeMutablePointers<A, B where A1: "
                    + "Swift.Error, B1: ~Swift.Copyable>((Swift.UnsafeMutablePointer<A>, Swift.UnsafeMutablePointer<B>) throws(A1) -> B1) "
                    + "throws(A1) -> B1", module: "unmodified-server"),
            FrameReport(
                function: "NIOConcurrencyHelpers.LockStorage.withLockedValue<A>((inout A) throws -> A1) throws -> A1",
                file: "/src/swift-nio/Sources/NIOConcurrencyHelpers/NIOLock.swift", line: 188, module: "unmodified-server"),
            FrameReport(
                function: "NIOConcurrencyHelpers.NIOLockedValueBox.withLockedValue<A>((inout A) throws -> A1) throws -> A1",
                module: "unmodified-server"),
            FrameReport(function: "unmodified_server.HitCounter.record(Swift.String) -> Swift.Int", module: "unmodified-server"),
        ]
        #expect(FrameTrimming.trimmed(frames).map(\.function) == ["unmodified_server.HitCounter.record(Swift.String) -> Swift.Int"])
    }

    @Test func aStackWithNoUserFrameIsKeptWhole() {
        let frames = [FrameReport(function: "LockProf.ProfiledLock.lock() -> ()"), FrameReport(function: "swift_task_switch")]
        #expect(FrameTrimming.trimmed(frames) == frames)
    }
}

import LockProfFormat
import Testing

@testable import LockProfAnalysis

/// The executor frames under a task's async callers fold into one line.
@Suite struct ExecutorFoldingTests {
    @Test func theExecutorUnderATasksCallersIsOneLineAndItsThunksGoWithIt() {
        // A waiter stack captured in a task-group child, as the runtime names it (trimmed).
        let frames = [
            FrameReport(function: "(2) suspend resume partial function for demo.recordSaleInTask(Swift.Int) async -> ()", module: "demo"),
            FrameReport(function: "(1) await resume partial function for demo.saleBatch(Swift.Int) async -> ()", module: "demo"),
            FrameReport(function: "(1) await resume partial function for closure #1 () async -> () in demo.asyncSales() async -> ()", module: "demo"),
            FrameReport(
                function: "(1) await resume partial function for partial apply forwarder for closure #1 () async -> () in demo.asyncSales() async -> ()",
                module: "demo"),
            FrameReport(
                function: "(1) await resume partial function for reabstraction thunk helper <A where A: Swift.Sendable> from @escaping @isolated(any) @callee_guaranteed @async () -> (@out A) to @escaping @callee_guaranteed @async () -> (@out A, @error @owned Swift.Error)",
                module: "demo"),
            FrameReport(function: "completeTaskWithClosure(swift::AsyncContext*, swift::SwiftError*)", module: "libswift_Concurrency.so"),
            FrameReport(function: "swift::runJobInEstablishedExecutorContext(swift::Job*)", module: "libswift_Concurrency.so"),
            FrameReport(function: "swift_job_run", module: "libswift_Concurrency.so"),
            FrameReport(function: "_dispatch_worker_thread", module: "libdispatch.so"),
            FrameReport(function: "start_thread", module: "libc.so.6"),
        ]
        #expect(ExecutorFolding.folded(frames).map(\.function) == frames.prefix(3).map(\.function) + ["[Swift concurrency executor]"])
        #expect(FunctionName.readable(ExecutorFolding.executorFrame) == "[Swift concurrency executor]")
    }

    @Test func aStackWithoutExecutorFramesOrWithoutAUserFrameIsUnchanged() {
        let plain = [
            FrameReport(function: "demo.BankAccount.withdraw(_: Swift.Int) -> Swift.Bool", module: "demo"),
            FrameReport(function: "demo.main() -> ()", module: "demo"),
            FrameReport(function: "__libc_start_call_main", module: "libc.so.6"),
        ]
        #expect(ExecutorFolding.folded(plain) == plain)
        let runtimeOnly = [
            FrameReport(function: "swift_job_run", module: "libswift_Concurrency.so"),
            FrameReport(function: "_dispatch_worker_thread", module: "libdispatch.so"),
        ]
        #expect(ExecutorFolding.folded(runtimeOnly) == runtimeOnly)
    }

    @Test func aStackThatRanATasksJobWasOnTheConcurrencyPool() {
        let task = [
            "(2) suspend resume partial function for demo.recordSaleInTask(Swift.Int) async -> ()",
            "swift::runJobInEstablishedExecutorContext(swift::Job*)", "swift_job_run", "_dispatch_worker_thread", "start_thread",
        ]
        #expect(ExecutorFrames.ranOnConcurrencyPool(functions: task))
        // A plain thread, and a dispatch work item (no task's job), are not the pool.
        #expect(!ExecutorFrames.ranOnConcurrencyPool(functions: ["demo.BankAccount.withdraw(_: Swift.Int) -> Swift.Bool", "start_thread"]))
        #expect(!ExecutorFrames.ranOnConcurrencyPool(functions: ["demo.work() -> ()", "_dispatch_call_block_and_release", "_dispatch_worker_thread"]))
        // A main-actor job runs on the main thread, from the main queue's drain.
        #expect(!ExecutorFrames.ranOnConcurrencyPool(functions: ["demo.update() async -> ()", "swift_job_run", "_dispatch_main_queue_drain", "main"]))
    }
}

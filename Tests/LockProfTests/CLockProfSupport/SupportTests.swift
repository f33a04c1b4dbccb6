import CLockProfSupport
import Foundation
import Testing

/// The C support layer: the pieces the runtime builds on, checked against the system directly.
@Suite struct SupportTests {
    @Test func theClockIsMonotonicAndAgreesWithClockMonotonic() {
        lockprof_clock_init()
        let source = String(cString: lockprof_clock_source())
        #expect(source == "tsc" || source == "monotonic")
        let before = lockprof_monotonic_ns()
        let first = lockprof_now_ns()
        usleep(10_000)
        let second = lockprof_now_ns()
        let after = lockprof_monotonic_ns()
        #expect(second > first)
        let elapsed = Double(second - first)
        let reference = Double(after - before)
        #expect(abs(elapsed - reference) < reference * 0.05 + 200_000, "tsc \(elapsed) ns vs monotonic \(reference) ns")
    }

    @Test func anAddressInThisBinaryMapsToAnAbsoluteModulePathAndItsLoadBase() {
        var frames = [UInt64](repeating: 0, count: 8)
        let captured = lockprof_capture_stack(&frames, 8, 0)
        #expect(captured > 0)
        var bias: UInt64 = 0
        var path = [CChar](repeating: 0, count: 4096)
        #expect(lockprof_module_of(frames[0], &bias, &path, path.count) == 0)
        let modulePath = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(modulePath.hasPrefix("/"), "\(modulePath)")
        #expect(FileManager.default.fileExists(atPath: modulePath))
        #expect(frames[0] >= bias)
    }

    @Test func futexWaitReportsAChangedWordATimeoutAndAWake() {
        let word = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        defer { word.deallocate() }
        word.pointee = 1
        #expect(lockprof_futex_wait(word, 0, -1) == EAGAIN)
        let started = lockprof_monotonic_ns()
        #expect(lockprof_futex_wait(word, 1, 5_000_000) == ETIMEDOUT)
        #expect(lockprof_monotonic_ns() - started >= 4_000_000)
        lockprof_futex_wake(word, 1)  // nobody waiting: harmless
    }

    @Test func theProcessKnowsItsIdAndName() {
        #expect(lockprof_process_id() == getpid())
        var name = [CChar](repeating: 0, count: 64)
        lockprof_process_name(&name, name.count)
        #expect(name[0] != 0)
    }
}

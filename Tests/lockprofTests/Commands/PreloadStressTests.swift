import Foundation
import Testing

/// tools/preload-stress/stress.c, a C program that never heard of lockprof, recorded by `lockprof
/// record`: 8 threads mixing pthread_mutex lock/trylock/timedlock, pthread_rwlock rd/wr (plain,
/// try, timed) and a condition-variable handoff whose bounded waits fail on a lost wake-up. The
/// program exits 0 only with no lost wake-up, no deadlock and no mutual-exclusion breach; every
/// count in the report equals the one it printed. LOCKPROF_STRESS_PRELOAD_SECONDS sets its length
/// (0.1 s here; tools/stress runs 60, which took 445 s and 9 GB in a debug build on 2026-12-03:
/// `lockprof record` converts and the report reads about 35 million events, docs/performance.md).
/// Compiled with the toolchain's clang, which every machine that builds lockprof has.
@Suite struct PreloadStressTests {
    @Test func mixedMutexRWLockAndConditionTrafficKeepsEveryCountExact() throws {
        let seconds = ProcessInfo.processInfo.environment["LOCKPROF_STRESS_PRELOAD_SECONDS"] ?? "0.1"
        let directory = try temporaryDirectory()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let source = root.appendingPathComponent("tools/preload-stress/stress.c").path
        let program = directory.appendingPathComponent("stress").path
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["clang", "-O2", "-g", "-pthread", "-o", program, source]
        try compiler.run()
        compiler.waitUntilExit()
        try #require(compiler.terminationStatus == 0)

        let trace = directory.appendingPathComponent("stress.trace").path
        let result = try CommandRunner.run(["record", "-o", trace, "--", program, seconds])
        try #require(result.status == 0, "\(result)")  // no lost wake-up, no deadlock, no breach
        var printed: [String: Int] = [:]
        for line in result.outputLines {
            let words = line.split(separator: " ")
            if words.count == 2 { printed[String(words[0])] = Int(words[1]) }
        }
        print("preload stress: \(seconds) s, \(printed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")

        let report = try CommandRunner.run(["report", "--format", "json", "--top", "1000", trace])
        let json = try JSONSerialization.jsonObject(with: Data(report.standardOutput.utf8)) as? [String: Any] ?? [:]
        #expect(json["complete"] as? Bool == true)
        let locks = json["locks"] as? [[String: Any]] ?? []
        func lock(_ text: String, _ wrapper: String, kind: String) throws -> [String: Any] {
            let lines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let line = try #require(lines.firstIndex { $0.contains(text) }) + 1
            let name = "stress.c:\(line) (\(wrapper))"
            return try #require(locks.first { $0["name"] as? String == name && $0["kind"] as? String == kind }, "no \(kind) \(name)")
        }
        let mutex = try lock("pthread_mutex_init(&mutex", "pthread_mutex_t", kind: "mutex")
        #expect(mutex["acquisitions"] as? Int == printed["mutex-acquisitions"])
        let rwlock = try lock("pthread_rwlock_init(&rwlock", "pthread_rwlock_t", kind: "rwlock")
        #expect(rwlock["acquisitions"] as? Int == printed["rwlock-acquisitions"])
        let slot = try lock("pthread_mutex_init(&slot_mutex", "pthread_mutex_t", kind: "mutex")
        #expect(slot["acquisitions"] as? Int == printed["condition-mutex-acquisitions"])
        let condition = try lock("pthread_cond_init(&slot_changed", "pthread_cond_t", kind: "condition")
        #expect(condition["acquisitions"] as? Int == printed["condition-waits"])
        #expect(condition["signals"] as? Int == printed["condition-signals"])
        #expect(condition["broadcasts"] as? Int == 0)
        #expect((printed["handoffs"] ?? 0) > 0)
    }
}

import LockProf

/// Scenario 14, one thread only: a lock nobody else ever takes. The report must be all clear for
/// it: every acquisition counted, none contended, not flagged.
enum OneThread {
    static func run(acquisitions: Int) -> DemoOutcome {
        let lock = ProfiledMutex(UInt64(0), name: "demo.solo")
        var checksum: UInt64 = 7
        for step in 0..<acquisitions {
            checksum = lock.withLock { total in
                total &+= UInt64(step)
                return DemoWork.mix(checksum ^ total, rounds: 4)
            }
        }
        let total = lock.withLock { $0 }
        let expected = UInt64(acquisitions) * UInt64(acquisitions - 1) / 2
        return DemoOutcome(
            scenario: "one thread", acquisitions: ["demo.solo": UInt64(acquisitions + 1)],
            problems: total == expected && checksum != 0 ? [] : ["demo.solo summed \(total), expected \(expected)"])
    }
}

import Foundation
import LockProfFormat

// Writes a synthetic but realistic trace with LockProfFormat's writer, for `tools/ingest-bench`:
// the ingest rate and memory of `lockprof report` are measured on it.
//
// What makes it realistic, modelled on what the runtime's collector writes:
// - 8 threads, 64 locks (a few hot: half the events go to 4 locks), 3 modules, 512 distinct
//   stacks of 12–24 frames that share their outer frames; each stack record is written before
//   the first event that uses it, symbols for every frame at the end;
// - events come in per-thread batches (the collector drains one ring after another every 2 ms),
//   so event times go back and forth within a chunk; 60% are contention events (a third without
//   a waiter stack: rate-limited), 40% releases; waits and holds spread over 2^6–2^20 ns;
// - every 100 000 events ("100 ms"): every lock's counters, every thread's drops, a checkpoint
//   and a flush, as the collector's periodic flush does.
//
// Usage: TraceGenerator EVENTS PATH. Prints the events written, the file size and bytes per event.

/// xorshift64*: deterministic, so every run writes the same trace.
struct Random {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Writes `eventCount` events and everything around them to `path`.
func generate(eventCount: Int, path: String) {
    let threadCount = 8
    let lockCount = 64
    let stackCount = 512
    let batchEvents = 400
    let flushEvents = 100_000

    var random = Random()
    let writer: TraceWriter
    do {
        writer = try TraceWriter(path: path, overwrite: true)
    } catch {
        print("TraceGenerator: \(error)")
        exit(1)
    }

    func append(_ record: TraceRecord) {
        do { try writer.append(record) } catch {
            print("TraceGenerator: \(error)")
            exit(1)
        }
    }

    let start: UInt64 = 1_000_000_000
    append(.process(ProcessRecord(pid: 4242, processName: "generated", startWallNanoseconds: 1_790_000_000_000_000_000, startNanoseconds: start, clockSource: "tsc")))
    let modules = [("/usr/local/bin/service", UInt64(0x5555_0000_0000)), ("/usr/lib/swift/linux/libswiftCore.so", UInt64(0x7F00_0000_0000)), ("/usr/lib/x86_64-linux-gnu/libc.so.6", UInt64(0x7F10_0000_0000))]
    for (index, module) in modules.enumerated() {
        append(.module(ModuleRecord(moduleID: UInt32(index + 1), path: module.0, baseAddress: module.1)))
    }
    for thread in 1...threadCount {
        append(.thread(ThreadRecord(threadID: UInt32(thread), systemThreadID: UInt64(4242 + thread), name: "worker-\(thread)")))
    }
    for lock in 1...lockCount {
        append(.lock(LockRecord(lockID: UInt32(lock), kind: .mutex, name: "service.lock-\(lock)", site: "Service/Store.swift:\(10 + lock)")))
    }

    // Stacks share a pool of outer frames (main, thread entry, …) and differ in their inner ones.
    let outerFrames = (0..<8).map { Frame(moduleID: 1, offset: UInt64(0x10_000 + $0 * 0x140)) }
    var stacks: [[Frame]] = []
    var allFrames = Set(outerFrames)
    for _ in 0..<stackCount {
        let inner = 4 + random.below(13)
        var frames: [Frame] = []
        for depth in 0..<inner {
            let module = depth == 0 ? UInt32(2 + random.below(2)) : 1
            frames.append(Frame(moduleID: module, offset: UInt64(0x2_0000 + random.below(4096) * 0x30)))
        }
        frames += outerFrames
        allFrames.formUnion(frames)
        stacks.append(frames)
    }
    var stackWritten = [Bool](repeating: false, count: stackCount + 1)

    func stackID() -> UInt32 {
        // Skewed: a quarter of the stacks take most events.
        let id = random.below(4) == 0 ? 1 + random.below(stackCount) : 1 + random.below(stackCount / 4)
        if !stackWritten[id] {
            stackWritten[id] = true
            append(.stack(StackRecord(stackID: UInt32(id), frames: stacks[id - 1])))
        }
        return UInt32(id)
    }

    func lockID() -> UInt32 {
        random.below(2) == 0 ? UInt32(1 + random.below(4)) : UInt32(1 + random.below(lockCount))
    }

    func duration() -> UInt64 {
        let bits = 6 + random.below(15)
        return (UInt64(1) << UInt64(bits)) + random.next() % (UInt64(1) << UInt64(bits))
    }

    var clock = start
    var written = 0
    var contentionByLock = [UInt64](repeating: 0, count: lockCount + 1)
    var waitByLock = [UInt64](repeating: 0, count: lockCount + 1)
    var maxWaitByLock = [UInt64](repeating: 0, count: lockCount + 1)
    var releasesByLock = [UInt64](repeating: 0, count: lockCount + 1)
    var holdByLock = [UInt64](repeating: 0, count: lockCount + 1)
    var histogramByLock = [[UInt64]](repeating: [UInt64](repeating: 0, count: 21), count: lockCount + 1)
    var nextFlush = flushEvents

    func writeCounters() {
        for lock in 1...lockCount {
            let contended = contentionByLock[lock]
            append(
                .lockStatistics(
                    LockStatisticsRecord(
                        lockID: UInt32(lock), acquisitions: contended * 40 + 1, contendedAcquisitions: contended,
                        waitNanoseconds: waitByLock[lock], maximumWaitNanoseconds: maxWaitByLock[lock],
                        waitHistogram: histogramByLock[lock], sampledHolds: contended / 2 + 1,
                        sampledHoldNanoseconds: (contended / 2 + 1) * 300, blockingHolds: releasesByLock[lock],
                        blockingHoldNanoseconds: holdByLock[lock])))
        }
        for thread in 1...threadCount { append(.drops(DropRecord(threadID: UInt32(thread), droppedEvents: 0))) }
        append(.checkpoint(CheckpointRecord(timeNanoseconds: clock)))
        do { try writer.flush() } catch {
            print("TraceGenerator: \(error)")
            exit(1)
        }
    }

    while written < eventCount {
        // One drain: a batch from each thread in turn, each batch starting back at the drain's start.
        let drainStart = clock
        var drainEnd = clock
        for thread in 1...threadCount where written < eventCount {
            var time = drainStart
            for _ in 0..<min(batchEvents / threadCount * 2, eventCount - written) {
                time += UInt64(50 + random.below(2_000))
                let lock = lockID()
                if random.below(10) < 6 {
                    let wait = duration()
                    let waiter = random.below(3) == 0 ? 0 : stackID()
                    let holder = random.below(4) == 0 ? 0 : stackID()
                    contentionByLock[Int(lock)] += 1
                    waitByLock[Int(lock)] += wait
                    maxWaitByLock[Int(lock)] = max(maxWaitByLock[Int(lock)], wait)
                    histogramByLock[Int(lock)][63 - wait.leadingZeroBitCount] += 1
                    append(
                        .contention(
                            ContentionRecord(
                                lockID: lock, threadID: UInt32(thread), timeNanoseconds: time, waitNanoseconds: wait,
                                waiterStackID: waiter, holderStackID: holder)))
                } else {
                    let hold = duration()
                    releasesByLock[Int(lock)] += 1
                    holdByLock[Int(lock)] += hold
                    append(
                        .release(
                            ReleaseRecord(
                                lockID: lock, threadID: UInt32(thread), timeNanoseconds: time, holdNanoseconds: hold,
                                holderStackID: random.below(4) == 0 ? 0 : stackID(), holdMeasuredFromAcquisition: random.below(2) == 0)))
                }
                written += 1
            }
            drainEnd = max(drainEnd, time)
        }
        clock = drainEnd
        if written >= nextFlush {
            writeCounters()
            nextFlush += flushEvents
        }
    }
    writeCounters()
    for frame in allFrames.sorted(by: { ($0.moduleID, $0.offset) < ($1.moduleID, $1.offset) }) {
        append(
            .symbol(
                SymbolRecord(
                    frame: frame, function: "Service.Store.function_\(frame.moduleID)_\(frame.offset)(key: Swift.String) -> Swift.Int",
                    file: "/src/Service/Sources/Service/Store.swift", line: UInt32(frame.offset % 900 + 1))))
    }
    append(.end(EndRecord(timeNanoseconds: clock + 1_000)))
    do { try writer.close() } catch {
        print("TraceGenerator: \(error)")
        exit(1)
    }
    let bytes = writer.bytesWritten
    print("events \(written) bytes \(bytes) bytes/event \(String(format: "%.2f", Double(bytes) / Double(written)))")
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let eventCount = Int(arguments[1]), eventCount > 0 else {
    print("usage: TraceGenerator EVENTS PATH")
    exit(2)
}

generate(eventCount: eventCount, path: arguments[2])

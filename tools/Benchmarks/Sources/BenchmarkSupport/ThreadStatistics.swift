import Foundation

/// What the kernel says about the process's threads (/proc): used to find the collector thread a
/// recording session starts and to measure its CPU time and its wait for a core.
public enum ThreadStatistics {
    /// A thread's scheduler statistics: nanoseconds on a CPU, nanoseconds runnable but waiting
    /// for one, and time slices.
    public typealias Scheduler = (running: UInt64, waiting: UInt64, slices: UInt64)

    /// The process's thread ids (/proc/self/task).
    public static func threadIDs() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [])
    }

    /// A thread's scheduler statistics (/proc/self/task/TID/schedstat); nil when it cannot be read.
    public static func scheduler(thread: String) -> Scheduler? {
        guard let line = try? String(contentsOfFile: "/proc/self/task/\(thread)/schedstat", encoding: .utf8) else { return nil }
        let numbers = line.split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return numbers.count == 3 ? (numbers[0], numbers[1], numbers[2]) : nil
    }

    /// The process's CPU time so far, all threads, user + system (getrusage), in seconds.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The 1-minute load average.
    public static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    }
}

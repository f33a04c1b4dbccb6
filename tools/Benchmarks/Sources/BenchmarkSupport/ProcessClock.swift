import Foundation
import Glibc

/// What the benchmark programs read about their own process: the monotonic clock and the
/// resident set, the figures their tables report.
public enum ProcessClock {
    /// Seconds on the monotonic clock (`CLOCK_MONOTONIC`): for intervals only.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The process's peak resident set so far (getrusage `ru_maxrss`), in bytes.
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// The process's resident set now (/proc/self/statm, in pages), in bytes; 0 when unreadable.
    public static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }
}

import Foundation

/// What a earlier run said about each lock, by name: the side a comparison starts from
/// (`check --baseline`, `diff`). Made from a report (`lockprof report --format json >
/// baseline.json`, schema 1 or 2: their lock entries are the same) or from a trace's analysis.
///
/// Locks are matched by name across runs (pids and ids change from run to run). When several
/// locks share a name (several processes, or a lock created per instance at one site), the
/// entry adds their waits and acquisitions and keeps the largest wait fraction.
public struct Baseline: Equatable, Sendable {
    /// One lock name's figures.
    public struct Lock: Equatable, Sendable {
        /// The lock name the entry stands for.
        public var name: String
        /// The largest wait fraction of the locks with this name.
        public var waitFraction: Double
        /// Total wait of the locks with this name.
        public var waitNanoseconds: UInt64
        /// Nil when some lock of this name had unknown acquisitions.
        public var acquisitions: UInt64?
        /// Contended acquisitions of the locks with this name.
        public var contendedAcquisitions: UInt64
        /// The largest 99th-percentile wait; nil when no lock of this name waited.
        public var waitP99Nanoseconds: UInt64?

        /// One name's figures, as a report gives them.
        public init(
            name: String, waitFraction: Double, waitNanoseconds: UInt64, acquisitions: UInt64?, contendedAcquisitions: UInt64,
            waitP99Nanoseconds: UInt64?
        ) {
            self.name = name
            self.waitFraction = waitFraction
            self.waitNanoseconds = waitNanoseconds
            self.acquisitions = acquisitions
            self.contendedAcquisitions = contendedAcquisitions
            self.waitP99Nanoseconds = waitP99Nanoseconds
        }

        /// The two entries of one name taken together.
        func combined(with other: Lock) -> Lock {
            Lock(
                name: name, waitFraction: max(waitFraction, other.waitFraction),
                waitNanoseconds: waitNanoseconds.addingClamped(other.waitNanoseconds),
                acquisitions: acquisitions.flatMap { mine in other.acquisitions.map { mine.addingClamped($0) } },
                contendedAcquisitions: contendedAcquisitions.addingClamped(other.contendedAcquisitions),
                waitP99Nanoseconds: [waitP99Nanoseconds, other.waitP99Nanoseconds].compactMap { $0 }.max())
        }
    }

    /// By lock name.
    public var locks: [String: Lock]

    /// The baseline of `locks`, entries of one name combined.
    public init(locks: [Lock]) {
        var byName: [String: Lock] = [:]
        for lock in locks { byName[lock.name] = byName[lock.name].map { $0.combined(with: lock) } ?? lock }
        self.locks = byName
    }

    /// The baseline of an analysed report (every lock, listed or not in a limited one).
    public init(report: ContentionReport) {
        self.init(locks: report.locks.map(Self.lock(of:)))
    }

    /// One lock of a report as a baseline entry.
    public static func lock(of report: LockReport) -> Lock {
        Lock(
            name: report.name, waitFraction: report.waitFraction, waitNanoseconds: report.waitNanoseconds,
            acquisitions: report.acquisitions, contendedAcquisitions: report.contendedAcquisitions,
            waitP99Nanoseconds: report.waitP99Nanoseconds)
    }

    /// The baseline in a JSON report (docs/report-schema.md, schema 1 or 2). `path` names the file in errors.
    public init(reportJSON text: String, path: String) throws(InputFileError) {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw InputFileError(path: path, message: "not a lockprof JSON report (the top level is not an object)")
            }
            root = object
        } catch let error as InputFileError {
            throw error
        } catch {
            throw InputFileError(path: path, message: "neither a trace nor a JSON report (\(CheckConfiguration.reason(of: error)))")
        }
        guard let schema = (root["schema"] as? NSNumber)?.intValue, let entries = root["locks"] as? [[String: Any]] else {
            throw InputFileError(path: path, message: "not a lockprof JSON report (no \"schema\" and \"locks\"); write one with lockprof report --format json")
        }
        guard (1...Int(JSONReportRenderer.schema)).contains(schema) else {
            throw InputFileError(path: path, message: "report schema \(schema) is not supported (this lockprof writes and reads schema \(JSONReportRenderer.schema))")
        }
        var locks: [Lock] = []
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"] as? String, let fraction = (entry["wait_fraction"] as? NSNumber)?.doubleValue,
                let wait = (entry["wait_ns"] as? NSNumber)?.uint64Value
            else {
                throw InputFileError(path: path, message: "locks[\(index)] lacks name, wait_fraction or wait_ns")
            }
            locks.append(
                Lock(
                    name: name, waitFraction: fraction, waitNanoseconds: wait,
                    acquisitions: (entry["acquisitions"] as? NSNumber)?.uint64Value,
                    contendedAcquisitions: (entry["contended"] as? NSNumber)?.uint64Value ?? 0,
                    waitP99Nanoseconds: (entry["wait_p99_ns"] as? NSNumber)?.uint64Value))
        }
        self.init(locks: locks)
    }
}


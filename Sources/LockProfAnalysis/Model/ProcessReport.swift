/// One recorded process.
public struct ProcessReport: Equatable, Sendable {
    /// Operating-system pid; 0 when the process record was lost.
    public var pid: Int32
    /// The executable's name; empty when unknown.
    public var name: String
    /// The trace files it was read from.
    public var files: [String]
    /// Wall-clock start, nanoseconds since the Unix epoch; nil when unknown.
    public var startWallNanoseconds: UInt64?
    /// How long recording ran (see `ProcessRuntime`).
    public var runtimeNanoseconds: UInt64
    /// True when every file of the process ended normally and none was damaged.
    public var isComplete: Bool
    /// Events dropped by its threads' rings.
    public var droppedEvents: UInt64

    /// A process's report, as ``ContentionAnalysis`` builds it.
    public init(
        pid: Int32, name: String, files: [String], startWallNanoseconds: UInt64?, runtimeNanoseconds: UInt64,
        isComplete: Bool, droppedEvents: UInt64
    ) {
        self.pid = pid
        self.name = name
        self.files = files
        self.startWallNanoseconds = startWallNanoseconds
        self.runtimeNanoseconds = runtimeNanoseconds
        self.isComplete = isComplete
        self.droppedEvents = droppedEvents
    }
}

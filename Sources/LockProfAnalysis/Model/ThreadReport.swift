/// A thread that recorded events.
public struct ThreadReport: Equatable, Sendable {
    /// The thread's id in its process's trace.
    public var threadID: UInt32
    /// The kernel's thread id (`gettid`).
    public var systemThreadID: UInt64
    /// The thread's name; empty when it had none.
    public var name: String
    /// The pid of its process.
    public var process: Int32
    /// Events its ring had to drop.
    public var droppedEvents: UInt64

    /// A thread's report, as ``ContentionAnalysis`` builds it.
    public init(threadID: UInt32, systemThreadID: UInt64, name: String, process: Int32, droppedEvents: UInt64 = 0) {
        self.threadID = threadID
        self.systemThreadID = systemThreadID
        self.name = name
        self.process = process
        self.droppedEvents = droppedEvents
    }
}

import LockProf
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The HTTP/1 listener that serves the running process's lock profiles (``ProfileRequest``), on
/// one event-loop thread of its own: answering never runs on, or pauses, the program's threads.
///
/// Bounded: at most ``maximumConnections`` connections at once (more are closed on accept), a
/// connection idle for ``idleTimeout`` is closed, request bodies are discarded as they arrive,
/// and NIO's HTTP parser limits a request head; a malformed request gets 400 and is closed.
public final class ProfileServer: Sendable {
    /// Where it listens (with the port the system chose when asked for port 0).
    public let address: ServeAddress
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    public static let maximumConnections = 64
    public static let idleTimeout = TimeAmount.seconds(30)

    /// Binds `address` and starts serving. Refuses a non-loopback host unless `allowRemote`.
    public init(address: ServeAddress, allowRemote: Bool = false) throws(ServeError) {
        guard address.isLoopback || allowRemote else { throw .remoteNotAllowed(address.description) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connections = ConnectionCount()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(IdleStateHandler(allTimeout: ProfileServer.idleTimeout))
                    try operations.configureHTTPServerPipeline(withErrorHandling: true)
                    try operations.addHandler(ProfileHTTPHandler(connections: connections))
                }
            }
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 4)
        do {
            channel = try bootstrap.bind(host: address.host, port: address.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw .cannotBind(address.description, reason: "\(error)")
        }
        self.group = group
        var bound = address
        bound.port = channel.localAddress?.port ?? address.port
        self.address = bound
    }

    /// The base URL, `http://127.0.0.1:6060`.
    public var url: String { "http://\(address)" }

    /// Stops listening and closes every connection.
    public func close() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Open connections, shared by every connection's handler.
final class ConnectionCount: Sendable {
    let value = Atomic<Int>(0)
}

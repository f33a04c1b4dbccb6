import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

// A swift-nio HTTP server that knows nothing of lockprof: two event loops answer every request
// with a hit count kept behind one NIOLockedValueBox (HitCounter). `lockprof record --
// unmodified-server SECONDS` profiles it as it is, while wrk drives it on loopback.
//
// Usage: unmodified-server [SECONDS]   (default 5). Prints `listening PORT` once it accepts,
// serves for SECONDS, then prints `hits N` (every request answered) and exits.

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 5 : 5
let hits = HitCounter()
let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(HitHandler(hits: hits))
        }
    }
    .bind(host: "127.0.0.1", port: 0)
    .wait()
// Written unbuffered: whoever started the server waits for this line to connect.
FileHandle.standardOutput.write(Data("listening \(server.localAddress?.port ?? 0)\n".utf8))
Thread.sleep(forTimeInterval: seconds)
try server.close().wait()
try group.syncShutdownGracefully()
print("hits \(hits.total)")

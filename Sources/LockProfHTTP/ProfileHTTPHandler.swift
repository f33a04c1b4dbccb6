import LockProf
import NIOCore
import NIOHTTP1

/// Answers one connection's requests (see ``ProfileRequest``): GET and HEAD only, one response
/// per request in order, keep-alive as the client asks. `?seconds=N` waits on the event loop's
/// timer, not a thread, then answers with the delta.
final class ProfileHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connections: ConnectionCount
    private var head: HTTPRequestHead?

    init(connections: ConnectionCount) { self.connections = connections }

    func channelActive(context: ChannelHandlerContext) {
        if connections.value.wrappingAdd(1, ordering: .relaxed).newValue > ProfileServer.maximumConnections {
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.value.wrappingSubtract(1, ordering: .relaxed)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break  // a GET has none worth reading; never buffered
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(to: requestHead, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard request.method == .GET || request.method == .HEAD else {
            return send(ProfileResponse.text(.methodNotAllowed, "only GET and HEAD are served\n"), to: request, context: context)
        }
        let route = ProfileRequest(target: request.uri)
        if case .profile(let side, let seconds?, let debug) = route {
            let since = LockProfiler.profileSnapshot()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
                let (handler, context) = bound.value
                handler.send(ProfileResponse.profile(side: side, since: since, debug: debug), to: request, context: context)
            }
            return
        }
        send(ProfileResponse.answer(route), to: request, context: context)
    }

    private func send(_ response: ProfileResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let keepAlive = request.isKeepAlive
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        if let disposition = response.contentDisposition { headers.add(name: "Content-Disposition", value: disposition) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

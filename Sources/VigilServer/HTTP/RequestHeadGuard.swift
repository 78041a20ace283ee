import Foundation
import HTTPTypes
import NIOCore
import VigilCore

/// The first handler of every HTTP connection (after TLS): the first request head must arrive
/// within `timeout` and within the ``RequestHeadScanner`` limits, or the connection is answered
/// (414, 431) or closed. It removes itself once the head is complete; from then on the HTTP
/// connection's idle timeout and decoder limits apply (answered by ``RequestHeadOverflowResponder``).
///
/// Without it a connection that sends nothing, or a head one byte at a time, holds a descriptor
/// for ever: the WebSocket-upgradable pipeline starts its idle timer only after the first head.
final class RequestHeadGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var scanner = RequestHeadScanner()
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var done = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startClock(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    private func startClock(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        let buffer = unwrapInboundIn(data)
        switch scanner.feed(buffer.readableBytesView) {
        case .needMore:
            context.fireChannelRead(data)
        case .complete:
            done = true
            deadline?.cancel()
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .lineTooLong:
            refuse(context, VigilError.requestHead(status: .uriTooLong, "the request line is limited to \(scanner.maximumLine) bytes"))
        case .headTooLarge:
            refuse(
                context, VigilError.requestHead(status: .requestHeaderFieldsTooLarge, "the request head is limited to \(scanner.maximumHead) bytes"))
        case .tooManyFields:
            refuse(
                context,
                VigilError.requestHead(status: .requestHeaderFieldsTooLarge, "a request has at most \(scanner.maximumFields) header fields"))
        }
    }

    /// Answers without passing anything on, and closes.
    private func refuse(_ context: ChannelHandlerContext, _ answer: (status: HTTPResponse.Status, body: [UInt8])) {
        done = true
        deadline?.cancel()
        var buffer = context.channel.allocator.buffer(capacity: 256 + answer.body.count)
        buffer.writeString(
            "HTTP/1.1 \(answer.status.code) \(answer.status.reasonPhrase)\r\nContent-Type: \(FHIRJSON.fhirMediaType)\r\n"
                + "Content-Length: \(answer.body.count)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(answer.body)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}

extension VigilError {
    /// The status and OperationOutcome body for a request head refused before it was decoded.
    static func requestHead(status: HTTPResponse.Status, _ message: String) -> (status: HTTPResponse.Status, body: [UInt8]) {
        (status, VigilError(.tooLarge, message).operationOutcome.serialized())
    }
}

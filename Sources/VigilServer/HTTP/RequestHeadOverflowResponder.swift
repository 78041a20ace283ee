import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import VigilCore

/// Answers 431 when the HTTP decoder refuses a request head above its limits (a request after
/// the first on a kept-alive connection; the first is ``RequestHeadGuard``'s), instead of closing
/// the connection without a word.
final class RequestHeadOverflowResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let limit: Int

    init(limit: Int) { self.limit = limit }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, parserError == .headerOverflow else {
            context.fireErrorCaught(error)
            return
        }
        let answer = VigilError.requestHead(status: .requestHeaderFieldsTooLarge, "the request head is limited to \(limit) bytes")
        var fields = HTTPFields()
        fields[.contentType] = FHIRJSON.fhirMediaType
        fields[.contentLength] = String(answer.body.count)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}

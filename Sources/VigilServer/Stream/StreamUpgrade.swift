import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import NIOCore
import VigilCore

/// The HTTP/1.1 server with the WebSocket upgrade of `/api/stream`. Only a `GET /api/stream`
/// asking for an upgrade, without credentials in its query, is upgraded; everything else,
/// including a plain `GET /api/stream`, goes to the router.
enum StreamUpgrade {
    static let path = "/api/stream"

    /// The HTTP server: every connection behind a ``RequestHeadGuard``, idle connections closed
    /// after `httpIdleTimeout`, request heads limited (answered 414 or 431).
    static func server(runtime: VigilRuntime) -> HTTPServerBuilder {
        let idle = TimeAmount.seconds(Int64(runtime.configuration.httpIdleTimeout))
        let limits = RequestHeadScanner()
        let headLimit = limits.maximumHead
        let scheme = runtime.configuration.tlsCertificate == nil ? "http" : "https"
        let forwarded = ForwardedHeaders(trusted: runtime.configuration.trustedProxies)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadOverflowResponder(limit: headLimit)], idleTimeout: idle,
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: headLimit, maxHeaderListSize: headLimit, maxHeaderFieldCount: limits.maximumFields))
        return HTTPServerBuilder { responder in
            let upgradable = HTTP1WebSocketUpgradeChannel(
                responder: responder, configuration: .init(http1: http1, ws: .init(maxFrameSize: 1 << 20))
            ) { request, channel, _ in
                guard request.method == .get, let target = request.path, isStream(target) else { return .dontUpgrade }
                let (client, origin) = forwarded.resolve(request, peer: channel.remoteAddress?.ipAddress)
                let session =
                    sameOrigin(request, scheme: origin?.scheme ?? scheme, authority: origin?.authority)
                    ? Cookies(from: request.headerFields[values: .cookie])[DashboardCookie.session]?.value : nil
                return .upgrade([:]) { inbound, outbound, _ in
                    try await StreamSession(runtime: runtime, client: client, sessionID: session).run(inbound: inbound, outbound: outbound)
                }
            }
            return GuardedChildChannel(inner: upgradable, headTimeout: idle)
        }
    }

    /// Whether a browser's upgrade comes from a page of this server: every `Origin` it names is
    /// this server's origin (RFC 6454: scheme, host and port; `scheme` is the server's own, the
    /// host and port are those the request asks for, or those a trusted proxy reports), so that
    /// a page of another site, or of another port or scheme of this host, cannot ride on the
    /// session cookie.
    static func sameOrigin(_ request: HTTPRequest, scheme: String, authority: String? = nil) -> Bool {
        guard let origins = request.headerFields[.origin], let authority = authority ?? request.authority,
            let expected = Origin(scheme: scheme, authority: authority)
        else { return false }
        return origins.split(separator: ",").allSatisfy { Origin($0.trimmingCharacters(in: .whitespaces)) == expected }
    }

    /// Whether a request target is the stream, with no credential-looking query parameter (those
    /// go to the router, which refuses them).
    static func isStream(_ target: String) -> Bool {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0] == path else { return false }
        guard parts.count == 2 else { return true }
        let names = parts[1].split(separator: "&").map { $0.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() } ?? "" }
        return !names.contains { URLCredentialGuard<VigilRequestContext>.names.contains($0) }
    }
}

/// `GET /api/stream` without a WebSocket upgrade: 426, saying how to connect.
struct StreamRoutes {
    var routes: [VigilRoute] {
        [
            VigilRoute(.get, StreamUpgrade.path) { _, _ in
                let error = VigilError(
                    .invalid, "/api/stream is a WebSocket: connect with an upgrade, then send {\"type\":\"auth\",\"token\":…} first")
                var response = FHIRJSON.response(error.operationOutcome, status: .upgradeRequired)
                response.headers[.upgrade] = "websocket"
                return response
            }
        ]
    }
}

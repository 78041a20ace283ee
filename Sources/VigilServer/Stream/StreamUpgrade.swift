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

    static func server(runtime: VigilRuntime) -> HTTPServerBuilder {
        .http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: 1 << 20))) { request, channel, _ in
            guard request.method == .get, let target = request.path, isStream(target) else { return .dontUpgrade }
            let client = channel.remoteAddress?.ipAddress
            return .upgrade([:]) { inbound, outbound, _ in
                try await StreamSession(runtime: runtime, client: client).run(inbound: inbound, outbound: outbound)
            }
        }
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

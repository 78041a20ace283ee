import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import VigilCore

/// The HTTP gateway the operator configured for text messages and pages (an SMS provider's API,
/// a paging system's bridge): each message is a `POST` of
/// `{"to", "text", "channel": "sms"|"pager", "priority", "eventId"}` with the configured bearer
/// token; any 2xx answer is acceptance. Redirects are not followed; 5 seconds to connect, 10 to answer.
final class TextGateway: Sendable {
    let url: String
    private let token: String?
    private let client: HTTPClient

    init(url: String, token: String?) {
        self.url = url
        self.token = token
        client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))))
    }

    /// Sends one message; the gateway's status.
    func send(to number: String, text: String, channel: OutboxMessage.Channel, priority: String, eventID: String) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let body: JSON = [
            "to": .string(number), "text": .string(text), "channel": .string(channel.rawValue), "priority": .string(priority),
            "eventId": .string(eventID),
        ]
        request.body = .bytes(ByteBuffer(string: body.text))
        let response = try await client.execute(request, timeout: .seconds(15))
        _ = try? await response.body.collect(upTo: 64 << 10)
        return Int(response.status.code)
    }

    func shutdown() async { try? await client.shutdown() }
}

import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import VigilCore

/// Posts signed deliveries to webhooks over HTTPS: the host is resolved and checked
/// (``WebhookAddress``) before every delivery, and the connection goes to the address checked,
/// with the certificate verified for the host; redirects are not followed; 5 seconds to connect
/// and 10 to answer. One client per host and address, kept for its connections.
final class WebhookSender: Sendable {
    private let allow: [IPNetwork]
    private let tls: TLSConfiguration
    private let clients = Mutex<[String: HTTPClient]>([:])

    /// What a receiver answered.
    struct Answer: Sendable {
        var status: Int
        var accepted: Bool { (200..<300).contains(status) }
    }

    init(allow: [IPNetwork], caFile: String?) {
        self.allow = allow
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.additionalTrustRoots = [.file(caFile)] }
        self.tls = tls
    }

    /// Posts `body` to `url`; throws when the address is refused or the receiver cannot be reached.
    func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws -> Answer {
        let address = try await WebhookAddress.resolve(url, allow: allow)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Vigil/\(VigilVersion.current)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client(for: address).execute(request, timeout: .seconds(15))
        // The answer's body is not needed: read at most a little of it, so the connection is reused.
        _ = try? await response.body.collect(upTo: 64 << 10)
        return Answer(status: Int(response.status.code))
    }

    private func client(for address: WebhookAddress) -> HTTPClient {
        clients.withLock { clients in
            let key = "\(address.host)|\(address.ip)"
            if let client = clients[key] { return client }
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
            configuration.dnsOverride = [address.host: address.ip]
            configuration.connectionPool = .init(idleTimeout: .seconds(60))
            let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            clients[key] = client
            return client
        }
    }

    /// Closes every client.
    func shutdown() async {
        for client in clients.withLock({ clients in
            defer { clients.removeAll() }; return Array(clients.values)
        }) {
            try? await client.shutdown()
        }
    }
}

public import AsyncHTTPClient
public import NIOCore
public import NIOHTTP1
public import VigilCore

/// A small client for Vigil's JSON routes: bearer token in, status and parsed JSON out.
public struct JSONClient: Sendable {
    /// One answer.
    public struct Reply: Sendable {
        public let status: HTTPResponseStatus
        public let headers: HTTPHeaders
        /// The body parsed as JSON, when it is JSON.
        public let json: JSON?
        public let text: String
    }

    public let baseURL: String
    public let client: HTTPClient

    public init(baseURL: String, client: HTTPClient) {
        self.baseURL = baseURL
        self.client = client
    }

    /// Sends a request, with `body` as `application/fhir+json` when given.
    public func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8]? = nil, headers: HTTPHeaders = [:],
        timeout: TimeAmount = .seconds(60)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(contentsOf: headers)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/fhir+json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 64 << 20)
        let text = String(buffer: buffer)
        return Reply(status: response.status, headers: response.headers, json: try? JSON.parse(text), text: text)
    }

    /// Sends `json` as the body.
    public func request(_ method: HTTPMethod, _ path: String, token: String? = nil, json: JSON, timeout: TimeAmount = .seconds(60)) async throws
        -> Reply
    {
        try await request(method, path, token: token, body: json.serialized(), timeout: timeout)
    }

    /// Signs in and returns the access token.
    public func signIn(_ username: String, _ password: String) async throws -> String {
        let reply = try await request(.POST, "/auth/token", json: ["username": .string(username), "password": .string(password)])
        guard let token = reply.json?["access_token"]?.stringValue else {
            throw VigilError(.unauthenticated, "sign-in as \(username) failed: \(reply.status)")
        }
        return token
    }
}

extension JSONClient {
    /// A client of its own to `baseURL`, keeping up to `connections` connections open; call
    /// ``shutdown()`` when done.
    public static func connect(to baseURL: String, connections: Int = 32) -> JSONClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.decompression = .disabled
        return JSONClient(baseURL: baseURL, client: HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration))
    }

    public func shutdown() async { try? await client.shutdown() }

    /// Runs `body` with a client of its own to `baseURL`, shut down afterwards however `body` ends.
    public static func with<T: Sendable>(_ baseURL: String, connections: Int = 32, _ body: (JSONClient) async throws -> T) async throws -> T {
        let client = connect(to: baseURL, connections: connections)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

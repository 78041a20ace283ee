import Foundation
public import HTTPTypes
import HummingbirdWSClient
public import Logging
public import NIOSSL
import NIOWebSocket
import Synchronization
public import VigilCore

/// A client of Vigil's live event stream (`/api/stream`): connects, authenticates with its first
/// message, and keeps every message it receives with the time it arrived, for tests and the
/// latency benchmark to wait on.
public final class StreamClient: Sendable {
    /// One message as received.
    public struct Message: Sendable {
        public let json: JSON
        /// Wall-clock milliseconds when it arrived.
        public let received: Double
    }

    private struct State {
        var messages: [Message] = []
        var closed: WebSocketCloseFrame?
        var ended = false
        var outbound: WebSocketOutboundWriter?
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init() {}

    /// Connects to `url` (`ws://host:port/api/stream` or `wss://…`) and sends `first` as the first
    /// message (normally ``authMessage(token:lastEventID:)``); `headers` go with the upgrade (a
    /// browser's `Cookie` and `Origin`).
    public static func connect(
        url: String, first: String?, headers: HTTPFields = [:], tls: TLSConfiguration? = nil, logger: Logger = Logger(label: "stream-client")
    ) -> StreamClient {
        let client = StreamClient()
        let task = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers), tlsConfiguration: tls, logger: logger
                ) { inbound, outbound, _ in
                    client.state.withLock { $0.outbound = outbound }
                    if let first { try await outbound.write(.text(first)) }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        guard case .text(let text) = message, let json = try? JSON.parse(text) else { continue }
                        let received = Date().timeIntervalSince1970 * 1000
                        client.state.withLock { $0.messages.append(Message(json: json, received: received)) }
                    }
                }
                client.state.withLock { $0.closed = close }
            } catch {
                logger.debug("stream ended", metadata: ["error": "\(error)"])
            }
            client.state.withLock { $0.ended = true }
        }
        client.task.withLock { $0 = task }
        return client
    }

    /// The first message a client sends.
    public static func authMessage(token: String, lastEventID: Int64? = nil) -> String {
        var object: JSONObject = ["type": "auth", "token": .string(token)]
        if let lastEventID { object["lastEventId"] = .integer(lastEventID) }
        return JSON.object(object).text
    }

    /// Everything received so far.
    public var messages: [Message] { state.withLock { $0.messages } }

    /// Whether the connection ended.
    public var ended: Bool { state.withLock { $0.ended } }

    /// The close code the server sent (1008: policy violation), if it closed.
    public var closeCode: UInt16? { state.withLock { $0.closed.map { UInt16(webSocketErrorCode: $0.closeCode) } } }

    /// Waits for the first message at or after position `from` that satisfies `match`.
    public func next(after from: Int = 0, timeout: Duration = .seconds(10), where match: (JSON) -> Bool) async -> Message? {
        let deadline = ContinuousClock.now + timeout
        var index = from
        while ContinuousClock.now < deadline {
            let (messages, ended) = state.withLock { ($0.messages, $0.ended) }
            while index < messages.count {
                if match(messages[index].json) { return messages[index] }
                index += 1
            }
            if ended { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Waits for the connection to end.
    public func waitForEnd(timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.ended }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Sends a text message.
    public func send(_ text: String) async throws {
        guard let outbound = state.withLock({ $0.outbound }) else { throw VigilError(.unavailable, "not connected") }
        try await outbound.write(.text(text))
    }

    /// Closes the connection.
    public func close() async {
        if let outbound = state.withLock({ $0.outbound }) { try? await outbound.close(.normalClosure, reason: nil) }
        _ = await waitForEnd(timeout: .seconds(2))
        task.withLock { $0 }?.cancel()
    }
}

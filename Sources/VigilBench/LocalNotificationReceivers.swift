import Foundation
import VigilCore

/// `Tests/Python/notification_receivers.py` on 127.0.0.1: a mail server (Python's `aiosmtpd`)
/// and a text-message gateway, logging what they receive, and failing on demand. For the tests.
public final class LocalNotificationReceivers: Sendable {
    /// One message received.
    public struct Message: Sendable, Decodable {
        public var channel: String
        public var to: String?
        public var subject: String?
        public var messageId: String?
        public var body: String?
        public var text: String?
        public var eventId: String?
        public var authorization: String?
        public var received: Double
    }

    private let server: LocalPythonServer
    public var smtpPort: Int { server.ports[0] }
    public var gatewayPort: Int { server.ports[1] }
    public var gatewayURL: String { "http://127.0.0.1:\(gatewayPort)/messages" }

    public init() throws {
        server = try LocalPythonServer("notification_receivers.py", ports: 2) { directory in
            ["--log", directory + "/log", "--fail-while", directory + "/fail"]
        }
    }

    /// Refuse everything (`true`: mail 451, gateway 503), or accept again.
    public func failing(_ on: Bool) { server.toggle("fail", on) }

    /// Every message accepted so far, in order.
    public var messages: [Message] { server.logged(Message.self) }
}

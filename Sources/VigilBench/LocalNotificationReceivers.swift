import Foundation
import VigilCore

/// `Tests/Python/notification_receivers.py` on 127.0.0.1: a mail server (Python's `aiosmtpd`)
/// and a text-message gateway, logging what they receive, and failing on demand. For the tests and
/// `vigil bench`.
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

    private let directory: String
    private let process: ChildProcess
    public let smtpPort: Int
    public let gatewayPort: Int
    public var gatewayURL: String { "http://127.0.0.1:\(gatewayPort)/messages" }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-receivers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: LocalWebhookReceiver.script).deletingLastPathComponent().appendingPathComponent("notification_receivers.py")
        process = try ChildProcess.spawn(
            "/usr/bin/env",
            ["python3", script.path, "--port-file", directory + "/ports", "--log", directory + "/log", "--fail-while", directory + "/fail"],
            log: directory + "/output", endsWithThisProcess: false)
        var ports: [Int] = []
        for _ in 0..<400 where ports.count != 2 {
            ports = ((try? String(contentsOfFile: directory + "/ports", encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int($0) }
            if ports.count != 2 { usleep(25_000) }
        }
        guard ports.count == 2 else {
            process.stop(SIGKILL)
            throw VigilError(.internal, "the receivers did not start: \((try? String(contentsOfFile: directory + "/output", encoding: .utf8)) ?? "")")
        }
        (smtpPort, gatewayPort) = (ports[0], ports[1])
    }

    deinit {
        process.stop(SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Refuse everything (`true`: mail 451, gateway 503), or accept again.
    public func failing(_ on: Bool) {
        let path = directory + "/fail"
        if on { _ = FileManager.default.createFile(atPath: path, contents: Data()) } else { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Every message accepted so far, in order.
    public var messages: [Message] {
        let text = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Message.self, from: Data($0.utf8)) }
    }
}

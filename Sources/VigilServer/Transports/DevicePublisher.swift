import MQTT
import NIOCore
import Synchronization
public import VigilCore

/// Sends messages to devices through the broker: acknowledgements and commands. Holds the MQTT
/// client while the MQTT service runs.
public final class DevicePublisher: Sendable {
    private let client = Mutex<MQTTClient?>(nil)

    public init() {}

    func attach(_ client: MQTTClient?) { self.client.withLock { $0 = client } }

    /// Whether a broker is configured and its client running (its session may be reconnecting:
    /// messages then wait in the client).
    public var isConnected: Bool { client.withLock { $0 != nil } }

    /// Publishes `message` at QoS 1 on `vigil/devices/{device}/{channel}`.
    /// - Throws: ``VigilError/Code/unavailable`` when no broker is configured.
    public func publish(_ message: JSON, device: String, channel: Channel) throws(VigilError) {
        guard let client = client.withLock({ $0 }) else {
            throw VigilError(.unavailable, "no MQTT broker is configured (vigil serve --mqtt)")
        }
        client.publish(
            MQTTPacket.Publish(topic: Self.topic(device: device, channel), payload: ByteBuffer(bytes: message.serialized()), qos: .atLeastOnce))
    }

    /// The topics of a device.
    public enum Channel: String, Sendable {
        case readings, ack, commands
        /// The device's answers to its commands.
        case commandAnswers = "commands/ack"
    }

    public static func topic(device: String, _ channel: Channel) -> String { "vigil/devices/\(device)/\(channel.rawValue)" }

    /// The device a topic of `channel` belongs to (`vigil/devices/{id}/readings`, also when
    /// delivered with a `$share/{group}/` prefix), or nil for any other topic.
    static func device(topic: String, _ channel: Channel) -> String? {
        var parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "$share", parts.count > 2 { parts.removeFirst(2) }
        let suffix = channel.rawValue.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 + suffix.count, parts[0] == "vigil", parts[1] == "devices", Array(parts[3...]) == suffix, !parts[2].isEmpty
        else { return nil }
        return String(parts[2])
    }
}

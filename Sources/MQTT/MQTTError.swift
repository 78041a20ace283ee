/// A protocol error: the connection that sent it must be closed (MQTT 3.1.1 §4.8).
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A packet that breaks the format: bad flags, bad lengths, an unknown type, bad UTF-8.
        case malformedPacket
        /// A packet longer than the limit.
        case packetTooLarge
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

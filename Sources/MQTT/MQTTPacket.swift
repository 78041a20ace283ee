public import NIOCore

/// Quality of service of a PUBLISH: at most once (0) or at least once (1). Vigil subscribes with
/// at most 1; the broker downgrades QoS 2 publications to it.
public enum MQTTQoS: UInt8, Sendable, Equatable {
    case atMostOnce = 0
    case atLeastOnce = 1
}

/// The MQTT 3.1.1 packets a client for ingest needs (QoS 0 and 1; no QoS 2 flow, no will).
public enum MQTTPacket: Sendable, Equatable {
    case connect(Connect)
    /// Whether the broker kept a session, and the return code (0: accepted).
    case connack(sessionPresent: Bool, returnCode: UInt8)
    case publish(Publish)
    case puback(packetID: UInt16)
    /// Topic filters with the maximum QoS asked for.
    case subscribe(packetID: UInt16, filters: [(filter: String, qos: MQTTQoS)])
    /// Per filter: the granted QoS, or 0x80 for a failure.
    case suback(packetID: UInt16, returnCodes: [UInt8])
    case pingreq
    case pingresp
    case disconnect

    /// CONNECT's content.
    public struct Connect: Sendable, Equatable {
        public var clientID: String
        public var cleanSession: Bool
        /// Seconds; 0 turns keep-alive off.
        public var keepAlive: UInt16
        public var username: String?
        public var password: [UInt8]?

        public init(clientID: String, cleanSession: Bool, keepAlive: UInt16, username: String? = nil, password: [UInt8]? = nil) {
            (self.clientID, self.cleanSession, self.keepAlive, self.username, self.password) = (clientID, cleanSession, keepAlive, username, password)
        }
    }

    /// PUBLISH's content. `packetID` is present exactly when `qos` is 1.
    public struct Publish: Sendable, Equatable {
        public var topic: String
        public var payload: ByteBuffer
        public var qos: MQTTQoS
        public var retain: Bool
        public var duplicate: Bool
        public var packetID: UInt16?
        /// The size of a payload above the decoder's limit, which it skipped: `payload` is then
        /// empty, and the message can still be acknowledged (and refused) instead of being
        /// redelivered for ever. 0 for a payload received whole.
        public var skippedPayloadBytes = 0

        public init(topic: String, payload: ByteBuffer, qos: MQTTQoS, retain: Bool = false, duplicate: Bool = false, packetID: UInt16? = nil) {
            (self.topic, self.payload, self.qos, self.retain, self.duplicate, self.packetID) = (topic, payload, qos, retain, duplicate, packetID)
        }
    }

    public static func == (lhs: MQTTPacket, rhs: MQTTPacket) -> Bool {
        switch (lhs, rhs) {
        case (.connect(let a), .connect(let b)): a == b
        case (.connack(let a, let x), .connack(let b, let y)): a == b && x == y
        case (.publish(let a), .publish(let b)): a == b
        case (.puback(let a), .puback(let b)): a == b
        case (.subscribe(let a, let x), .subscribe(let b, let y)): a == b && x.map(\.filter) == y.map(\.filter) && x.map(\.qos) == y.map(\.qos)
        case (.suback(let a, let x), .suback(let b, let y)): a == b && x == y
        case (.pingreq, .pingreq), (.pingresp, .pingresp), (.disconnect, .disconnect): true
        default: false
        }
    }
}

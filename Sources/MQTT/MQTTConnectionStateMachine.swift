import NIOCore

/// The life of a client connection to a broker, as a value: events go in with the time (in
/// milliseconds, from an injected clock), actions come out for the I/O layer to carry out.
///
/// `idle → connecting → awaitingConnAck → connected → (connection lost) → waitingToReconnect → connecting …`
///
/// - Sessions are persistent (`cleanSession=false`, a stable client id): the broker queues QoS 1
///   messages while the client is away. The client subscribes on every connection, kept session
///   or not.
/// - Inbound QoS 1 PUBLISHes are acknowledged in the order they arrived (MQTT 3.1.1 §4.6), each once
///   the application says it has accepted the message (``accepted(packetID:)``): a later message
///   accepted first waits for the earlier ones.
/// - Keep-alive: a PINGREQ when nothing was sent for the keep-alive interval; the connection is
///   closed when the PINGRESP (or any packet) is not back within half an interval, or when the
///   CONNACK does not come within the connect timeout. While the application holds a delivery
///   (``delivered(now:)`` not yet called) nothing is read, so an unread answer is not a dead
///   broker: pinging goes on and the wait for the answer starts once reading resumes.
/// - Outbound QoS 1 PUBLISHes (``publish(_:now:)``) are kept until the broker's PUBACK and sent
///   again, marked DUP, after a reconnect; while disconnected they wait for the next connection.
/// - Reconnects back off exponentially with full jitter, from `minimumBackoff` up to `maximumBackoff`.
public struct MQTTConnectionStateMachine: Sendable {
    public struct Configuration: Sendable {
        public var clientID: String
        public var username: String?
        public var password: [UInt8]?
        /// Seconds.
        public var keepAlive: UInt16 = 30
        /// The topic filters to subscribe to, at QoS 1.
        public var filters: [String]
        /// Milliseconds.
        public var connectTimeout: Int64 = 10_000
        public var minimumBackoff: Int64 = 100
        public var maximumBackoff: Int64 = 30_000

        public init(clientID: String, filters: [String], username: String? = nil, password: [UInt8]? = nil) {
            (self.clientID, self.filters, self.username, self.password) = (clientID, filters, username, password)
        }
    }

    /// What the I/O layer must do.
    public enum Action: Sendable, Equatable {
        /// Open a TCP (or TLS) connection to the broker.
        case openConnection
        /// Write these packets, in order.
        case send([MQTTPacket])
        /// Hand a PUBLISH to the application.
        case deliver(MQTTPacket.Publish)
        /// Close the connection; `reason` says why (nil: asked to stop).
        case closeConnection(reason: String?)
        /// Open a new connection after this many milliseconds.
        case reconnect(after: Int64)
        /// The connection is ready: CONNACK received (and the subscription asked for if needed).
        case connected(sessionPresent: Bool)
        /// The broker granted the subscription of these filters.
        case subscribed([String])
        /// The broker refused the subscription of these filters.
        case subscriptionRefused([String])
    }

    enum State: Sendable {
        case idle
        case connecting
        case awaitingConnAck(deadline: Int64)
        case connected
        case waitingToReconnect
        case stopped
    }

    public let configuration: Configuration
    private(set) var state: State = .idle
    /// Failed attempts since the last CONNACK, for the backoff.
    private(set) var attempts = 0
    private var lastSent: Int64 = 0
    private var lastReceived: Int64 = 0
    private var pingDeadline: Int64?
    /// Whether the application holds a PUBLISH (reading waits until ``delivered(now:)``).
    private var delivering = false
    private var nextPacketID: UInt16 = 1
    /// Inbound QoS 1 packet ids in arrival order, with whether the application accepted each.
    private var unacknowledged: [(id: UInt16, accepted: Bool)] = []
    /// Outbound QoS 1 PUBLISHes not yet acknowledged by the broker, in the order they were sent.
    private(set) var outbound = CircularBuffer<MQTTPacket.Publish>()
    /// Outbound PUBLISHes waiting for a connection.
    private var waiting: [MQTTPacket.Publish] = []

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Begins: open a connection.
    public mutating func start() -> [Action] {
        guard case .idle = state else { return [] }
        state = .connecting
        return [.openConnection]
    }

    /// The connection is open: send CONNECT.
    public mutating func connectionOpened(now: Int64) -> [Action] {
        guard case .connecting = state else { return [] }
        state = .awaitingConnAck(deadline: now + configuration.connectTimeout)
        unacknowledged = []
        delivering = false
        lastReceived = now
        return send(
            [
                .connect(
                    .init(
                        clientID: configuration.clientID, cleanSession: false, keepAlive: configuration.keepAlive, username: configuration.username,
                        password: configuration.password))
            ], now: now)
    }

    /// A packet arrived.
    public mutating func received(_ packet: MQTTPacket, now: Int64) -> [Action] {
        lastReceived = now
        pingDeadline = nil
        switch (state, packet) {
        case (.awaitingConnAck, .connack(let sessionPresent, let returnCode)):
            guard returnCode == 0 else { return lost(reason: Self.refusal(returnCode)) }
            state = .connected
            attempts = 0
            var actions: [Action] = [.connected(sessionPresent: sessionPresent)]
            var packets: [MQTTPacket] = []
            // Subscribe on every connection, even to a kept session: the broker may have lost the
            // subscription (Mosquitto 2.0 restores persistent sessions without their shared
            // subscriptions), and subscribing again to the same filter only replaces it.
            if !configuration.filters.isEmpty {
                packets.append(.subscribe(packetID: takePacketID(), filters: configuration.filters.map { ($0, .atLeastOnce) }))
            }
            // Unacknowledged publications again, marked DUP (MQTT 3.1.1 §4.4), then those that waited.
            packets += outbound.map { publish in
                var again = publish
                again.duplicate = true
                return .publish(again)
            }
            let queued = waiting
            waiting = []
            packets += queued.map { .publish(register($0)) }
            if !packets.isEmpty { actions += send(packets, now: now) }
            return actions
        case (.connected, .publish(let publish)):
            if publish.qos == .atLeastOnce, let id = publish.packetID {
                // A redelivery of a message not yet acknowledged is delivered again (the store is
                // idempotent) but acknowledged once.
                if !unacknowledged.contains(where: { $0.id == id }) { unacknowledged.append((id, false)) }
            }
            delivering = true
            return [.deliver(publish)]
        case (.connected, .suback(_, let codes)):
            let answers = zip(configuration.filters, codes)
            let granted = answers.filter { $0.1 != 0x80 }.map(\.0)
            let refused = answers.filter { $0.1 == 0x80 }.map(\.0)
            return (granted.isEmpty ? [] : [.subscribed(granted)]) + (refused.isEmpty ? [] : [.subscriptionRefused(refused)])
        case (.connected, .puback(let id)):
            // The broker acknowledges in the order it received, so this is nearly always the first:
            // a pass over every publication in flight cost more than the rest of a message.
            if let index = outbound.firstIndex(where: { $0.packetID == id }) { outbound.remove(at: index) }
            return []
        case (.connected, .pingresp):
            return []
        case (.stopped, _), (.idle, _), (.waitingToReconnect, _):
            return []
        default:
            return lost(reason: "unexpected \(Self.name(of: packet)) from the broker")
        }
    }

    /// The application accepted the QoS 1 message with this packet id: send the PUBACKs that are
    /// now due, in arrival order.
    public mutating func accepted(packetID: UInt16, now: Int64) -> [Action] {
        guard case .connected = state, let index = unacknowledged.firstIndex(where: { $0.id == packetID }) else { return [] }
        unacknowledged[index].accepted = true
        let due = unacknowledged.prefix { $0.accepted }
        guard !due.isEmpty else { return [] }
        unacknowledged.removeFirst(due.count)
        return send(due.map { .puback(packetID: $0.id) }, now: now)
    }

    /// Publishes `publish` (its packet id is assigned here): at once when connected, otherwise
    /// with the next connection. QoS 1 publications are kept until the broker acknowledges them.
    public mutating func publish(_ publish: MQTTPacket.Publish, now: Int64) -> [Action] {
        switch state {
        case .connected: return send([.publish(register(publish))], now: now)
        case .stopped: return []
        default:
            waiting.append(publish)
            return []
        }
    }

    /// Publications waiting for the broker: unacknowledged and not yet sent.
    public var pendingPublications: Int { outbound.count + waiting.count }

    /// Time passed: connect timeout, keep-alive.
    public mutating func tick(now: Int64) -> [Action] {
        switch state {
        case .awaitingConnAck(let deadline) where now >= deadline:
            return lost(reason: "no CONNACK within \(configuration.connectTimeout) ms")
        case .connected:
            // While a delivery is held, nothing is read: the answer may be waiting unread.
            if !delivering, let pingDeadline, now >= pingDeadline {
                return lost(reason: "no answer to PINGREQ")
            }
            let interval = Int64(configuration.keepAlive) * 1000
            // Pinging goes on while a delivery is held, so that the broker keeps the connection.
            if interval > 0, pingDeadline == nil || delivering, now - lastSent >= interval {
                pingDeadline = pingDeadline ?? now + interval / 2
                return send([.pingreq], now: now)
            }
            return []
        default:
            return []
        }
    }

    /// The application is done with the PUBLISH last delivered: reading resumes, and a PINGREQ
    /// still unanswered gets half an interval from now for its answer to be read.
    public mutating func delivered(now: Int64) -> [Action] {
        delivering = false
        if pingDeadline != nil { pingDeadline = now + Int64(configuration.keepAlive) * 500 }
        return []
    }

    /// The connection ended (or could not be opened): back off, then reconnect. `random` is in
    /// 0..<1 (injected, for the jitter).
    public mutating func connectionClosed(now: Int64, random: Double) -> [Action] {
        switch state {
        case .stopped, .idle, .waitingToReconnect: return []
        default:
            state = .waitingToReconnect
            attempts += 1
            let ceiling = min(configuration.maximumBackoff, configuration.minimumBackoff << min(attempts - 1, 20))
            return [.reconnect(after: max(configuration.minimumBackoff, Int64(Double(ceiling) * random)))]
        }
    }

    /// The backoff is over: open a connection again.
    public mutating func reconnectDue() -> [Action] {
        guard case .waitingToReconnect = state else { return [] }
        state = .connecting
        return [.openConnection]
    }

    /// Stops for good: DISCONNECT if connected, then close.
    public mutating func stop(now: Int64) -> [Action] {
        let wasConnected = if case .connected = state { true } else { false }
        state = .stopped
        return (wasConnected ? send([.disconnect], now: now) : []) + [.closeConnection(reason: nil)]
    }

    /// The connection must go: close it (``connectionClosed(now:random:)`` then backs off).
    private mutating func lost(reason: String) -> [Action] {
        state = .connecting  // until connectionClosed moves on to the backoff
        pingDeadline = nil
        delivering = false
        return [.closeConnection(reason: reason)]
    }

    private mutating func send(_ packets: [MQTTPacket], now: Int64) -> [Action] {
        lastSent = now
        return [.send(packets)]
    }

    /// Gives a QoS 1 publication its packet id and keeps it until its PUBACK.
    private mutating func register(_ publish: MQTTPacket.Publish) -> MQTTPacket.Publish {
        var publish = publish
        publish.duplicate = false
        guard publish.qos == .atLeastOnce else {
            publish.packetID = nil
            return publish
        }
        publish.packetID = takePacketID()
        outbound.append(publish)
        return publish
    }

    private mutating func takePacketID() -> UInt16 {
        defer { nextPacketID = nextPacketID == .max ? 1 : nextPacketID + 1 }
        return nextPacketID
    }

    static func refusal(_ code: UInt8) -> String {
        switch code {
        case 1: "the broker refused the connection: unacceptable protocol version"
        case 2: "the broker refused the connection: client identifier rejected"
        case 3: "the broker refused the connection: server unavailable"
        case 4: "the broker refused the connection: bad user name or password"
        case 5: "the broker refused the connection: not authorized"
        default: "the broker refused the connection (code \(code))"
        }
    }

    static func name(of packet: MQTTPacket) -> String {
        switch packet {
        case .connect: "CONNECT"
        case .connack: "CONNACK"
        case .publish: "PUBLISH"
        case .puback: "PUBACK"
        case .subscribe: "SUBSCRIBE"
        case .suback: "SUBACK"
        case .pingreq: "PINGREQ"
        case .pingresp: "PINGRESP"
        case .disconnect: "DISCONNECT"
        }
    }
}

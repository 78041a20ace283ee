public import NIOCore
public import NIOPosix
public import NIOSSL
import Synchronization

/// An MQTT 3.1.1 client on SwiftNIO: it carries out what ``MQTTConnectionStateMachine`` decides
/// (connect, subscribe, keep-alive, reconnect with backoff, PUBACKs in arrival order) and hands
/// each PUBLISH to the application.
///
/// ``run(deliver:)`` connects and keeps reconnecting until its task is cancelled; then it sends
/// DISCONNECT and closes. Reading waits while `deliver` runs, so a slow application slows the
/// socket instead of filling memory. The application calls ``accepted(packetID:)`` once a QoS 1
/// message is safe with it, and ``publish(_:)`` to send.
public final class MQTTClient: Sendable {
    /// Where the broker is and how to talk to it.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// TLS towards the broker (nil: plain TCP).
        public var tls: TLSConfiguration?
        public var session: MQTTConnectionStateMachine.Configuration
        public var maximumPacketSize: Int = 1 << 20

        public init(host: String, port: Int, session: MQTTConnectionStateMachine.Configuration, tls: TLSConfiguration? = nil) {
            (self.host, self.port, self.session, self.tls) = (host, port, session, tls)
        }
    }

    /// What happened to the connection, for logs and metrics.
    public enum Event: Sendable {
        case connected(sessionPresent: Bool)
        case disconnected(reason: String)
        case subscribed([String])
        case subscriptionRefused([String])
    }

    private struct Connection {
        var machine: MQTTConnectionStateMachine
        var writer: AsyncStream<[MQTTPacket]>.Continuation?
    }

    public let configuration: Configuration
    private let state: Mutex<Connection>
    private let group: any EventLoopGroup
    private let onEvent: @Sendable (Event) -> Void

    public init(
        configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.group = group
        self.onEvent = onEvent
        self.state = Mutex(Connection(machine: MQTTConnectionStateMachine(configuration: configuration.session)))
    }

    /// Milliseconds on a monotonic clock, for the state machine.
    private static let origin = ContinuousClock.now

    private static func now() -> Int64 {
        let elapsed = ContinuousClock.now - origin
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// The QoS 1 message with this packet id is safe with the application.
    public func accepted(packetID: UInt16) {
        transition { $0.accepted(packetID: packetID, now: Self.now()) }
    }

    /// Publishes `publish` now, or with the next connection; QoS 1 publications are resent until
    /// the broker acknowledges them.
    public func publish(_ publish: MQTTPacket.Publish) {
        transition { $0.publish(publish, now: Self.now()) }
    }

    /// Connects and stays connected until the task is cancelled.
    public func run(deliver: @escaping @Sendable (MQTTPacket.Publish) async -> Void) async {
        await withTaskCancellationHandler {
            var actions = state.withLock { $0.machine.start() }
            while !Task.isCancelled {
                for action in actions {
                    if case .reconnect(let delay) = action {
                        try? await Task.sleep(for: .milliseconds(delay))
                    }
                }
                guard !Task.isCancelled else { break }
                if actions.contains(where: { if case .reconnect = $0 { true } else { false } }) {
                    actions = state.withLock { $0.machine.reconnectDue() }
                }
                guard actions.contains(.openConnection) else { break }
                do {
                    try await connection(deliver: deliver)
                } catch {
                    onEvent(.disconnected(reason: "\(error)"))
                }
                actions = state.withLock { connection in
                    connection.writer?.finish()
                    connection.writer = nil
                    return connection.machine.connectionClosed(now: Self.now(), random: Double.random(in: 0..<1))
                }
            }
        } onCancel: {
            transition { $0.stop(now: Self.now()) }
        }
    }

    /// One connection, from TCP connect to close.
    private func connection(deliver: @escaping @Sendable (MQTTPacket.Publish) async -> Void) async throws {
        let configuration = configuration
        let tls = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(configuration.session.connectTimeout))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: configuration.host))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(MQTTPacketDecoder(maximumPacketSize: configuration.maximumPacketSize)),
                        MessageToByteHandler(MQTTPacketEncoder()))
                    return try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            let (packets, writer) = AsyncStream.makeStream(of: [MQTTPacket].self)
            state.withLock { $0.writer = writer }
            transition { $0.connectionOpened(now: Self.now()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Finished by a close action once what was queued (a DISCONNECT) is written.
                    for await batch in packets { try await outbound.write(contentsOf: batch) }
                    try await channel.channel.close()
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: .milliseconds(500))
                        self.transition { $0.tick(now: Self.now()) }
                    }
                }
                for try await packet in inbound {
                    let actions = transition { $0.received(packet, now: Self.now()) }
                    for action in actions {
                        if case .deliver(let publish) = action {
                            await deliver(publish)
                            transition { $0.delivered(now: Self.now()) }
                        }
                    }
                }
                writer.finish()
                group.cancelAll()
            }
        }
    }

    /// Moves the state machine and, under the same lock (so that packets keep their order),
    /// queues what it sends and ends the writer when it closes; then reports events. Returns the
    /// actions for the run loop (deliveries, reconnects).
    @discardableResult
    private func transition(_ body: (inout MQTTConnectionStateMachine) -> [MQTTConnectionStateMachine.Action]) -> [MQTTConnectionStateMachine.Action]
    {
        let actions = state.withLock { connection in
            let actions = body(&connection.machine)
            for action in actions {
                switch action {
                case .send(let packets): connection.writer?.yield(packets)
                // The writer writes what was queued (a DISCONNECT), then closes the channel.
                case .closeConnection: connection.writer?.finish()
                default: break
                }
            }
            return actions
        }
        for action in actions {
            switch action {
            case .closeConnection(let reason):
                if let reason { onEvent(.disconnected(reason: reason)) }
            case .connected(let sessionPresent):
                onEvent(.connected(sessionPresent: sessionPresent))
            case .subscribed(let filters):
                onEvent(.subscribed(filters))
            case .subscriptionRefused(let filters):
                onEvent(.subscriptionRefused(filters))
            case .send, .deliver, .openConnection, .reconnect:
                break
            }
        }
        return actions
    }
}

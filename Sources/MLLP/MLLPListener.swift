public import NIOCore
public import NIOPosix
public import NIOSSL

/// An MLLP server on SwiftNIO: accepts connections (TLS when configured), splits each byte stream
/// into messages with ``MLLPFrameDecoder``, and answers every message, in order, with what
/// `respond` returns, framed by ``MLLPFrameEncoder``. The next message on a connection is read
/// once the previous one is answered, so a slow application slows its senders.
public struct MLLPListener: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var maximumMessageSize: Int = 1 << 20
        /// Serve MLLP over TLS with this configuration (nil: plain TCP).
        public var tls: TLSConfiguration?

        public init(host: String, port: Int, tls: TLSConfiguration? = nil) {
            (self.host, self.port, self.tls) = (host, port, tls)
        }
    }

    /// One message and where it came from.
    public struct Message: Sendable {
        /// The message's bytes, without the MLLP frame.
        public var bytes: ByteBuffer
        /// The peer's IP address, as text.
        public var remoteIP: String?
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup

    public init(configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    /// Listens until the task is cancelled.
    /// - Parameters:
    ///   - onListening: called with the bound address (the actual port when 0 was asked).
    ///   - onConnectionError: a connection ended with an error (a frame too large, a broken frame).
    ///   - respond: the answer to a message (its bytes; framed here).
    public func run(
        onListening: @Sendable (SocketAddress) -> Void = { _ in },
        onConnectionError: @escaping @Sendable (any Error, String?) -> Void = { _, _ in },
        respond: @escaping @Sendable (Message) async -> ByteBuffer
    ) async throws {
        let configuration = configuration
        let tls = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(MLLPFrameDecoder(maximumFrameSize: configuration.maximumMessageSize)),
                        MessageToByteHandler(MLLPFrameEncoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        if let address = server.channel.localAddress { onListening(address) }
        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    group.addTask {
                        let remote = connection.channel.remoteAddress?.ipAddress
                        do {
                            try await connection.executeThenClose { inbound, outbound in
                                for try await bytes in inbound {
                                    try await outbound.write(await respond(Message(bytes: bytes, remoteIP: remote)))
                                }
                            }
                        } catch {
                            onConnectionError(error, remote)
                        }
                    }
                }
            }
        }
    }
}

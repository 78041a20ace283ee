public import NIOCore

/// Splits a byte stream into MQTT packets; never consumes part of a packet, and refuses one whose
/// fixed header announces more than `maximumPacketSize` bytes, except a PUBLISH: that one is
/// passed on without its payload (``MQTTPacket/Publish/skippedPayloadBytes``), which is skipped
/// as it arrives and never held, so that the receiver can acknowledge and refuse the message
/// instead of dropping the connection and having the broker redeliver it for ever.
public struct MQTTPacketDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MQTTPacket

    public let maximumPacketSize: Int
    /// Payload bytes of an oversized PUBLISH still to skip.
    private var skipping = 0

    public init(maximumPacketSize: Int = 1 << 20) { self.maximumPacketSize = maximumPacketSize }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MQTTPacket? {
        if skipping > 0 {
            let skipped = min(skipping, buffer.readableBytes)
            buffer.moveReaderIndex(forwardBy: skipped)
            skipping -= skipped
            if skipping > 0 { return nil }
        }
        let packet = try MQTTPacket.read(from: &buffer, maximumSize: maximumPacketSize)
        if case .publish(let publish) = packet { skipping = publish.skippedPayloadBytes }
        return packet
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MQTTPacket? {
        try decode(buffer: &buffer)
    }
}

public import NIOCore

/// Splits a byte stream into MQTT packets; never consumes part of a packet, and refuses one whose
/// fixed header announces more than `maximumPacketSize` bytes.
public struct MQTTPacketDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MQTTPacket

    public let maximumPacketSize: Int

    public init(maximumPacketSize: Int = 1 << 20) { self.maximumPacketSize = maximumPacketSize }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MQTTPacket? {
        try MQTTPacket.read(from: &buffer, maximumSize: maximumPacketSize)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MQTTPacket? {
        try decode(buffer: &buffer)
    }
}

public import NIOCore

/// Frames each outbound message for MLLP: `0x0B`, the message, `0x1C 0x0D`.
public struct MLLPFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.reserveCapacity(minimumWritableBytes: data.readableBytes + 3)
        out.writeInteger(MLLPFrameDecoder.startByte)
        out.writeImmutableBuffer(data)
        out.writeBytes([MLLPFrameDecoder.endByte, MLLPFrameDecoder.carriageReturn])
    }
}

public import NIOCore

/// Splits a byte stream into MLLP frames: `0x0B` (VT), the message, `0x1C 0x0D` (FS CR). Emits
/// each message as a slice of the input, without copying.
///
/// Never consumes part of a frame: bytes stay in the buffer until the frame's end has arrived;
/// the scan resumes where it stopped, so a message arriving a byte at a time costs linear time.
/// Bytes before a start byte are not part of any frame and are dropped. An FS not followed by CR
/// belongs to the message. A message longer than `maximumFrameSize` is refused as soon as that
/// many bytes have arrived without an end.
public struct MLLPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    static let startByte: UInt8 = 0x0B
    static let endByte: UInt8 = 0x1C
    static let carriageReturn: UInt8 = 0x0D

    /// The longest message accepted, in bytes.
    public let maximumFrameSize: Int
    /// How many bytes of the current frame's message are known to hold no end.
    private var scanned = 0

    public init(maximumFrameSize: Int = 1 << 20) { self.maximumFrameSize = maximumFrameSize }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard dropBytesBeforeStart(&buffer) else { return nil }
        let bodyStart = buffer.readerIndex + 1
        let view = buffer.readableBytesView
        var searchFrom = bodyStart + scanned
        while let end = view[searchFrom...].firstIndex(of: Self.endByte) {
            guard end + 1 < buffer.writerIndex else {
                scanned = end - bodyStart
                return nil
            }
            guard view[end + 1] == Self.carriageReturn else {
                searchFrom = end + 1
                continue
            }
            let length = end - bodyStart
            try check(length)
            buffer.moveReaderIndex(forwardBy: 1)
            let message = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 2)
            scanned = 0
            return message
        }
        scanned = buffer.writerIndex - bodyStart
        try check(scanned)
        return nil
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        if let message = try decode(buffer: &buffer) { return message }
        guard dropBytesBeforeStart(&buffer) else { return nil }
        throw MLLPError(.truncatedFrame, "the connection ended inside a frame (\(buffer.readableBytes) bytes)")
    }

    /// Drops what precedes the next start byte; false when there is none (everything dropped).
    private mutating func dropBytesBeforeStart(_ buffer: inout ByteBuffer) -> Bool {
        let view = buffer.readableBytesView
        guard view.first != Self.startByte else { return true }
        scanned = 0
        guard let start = view.firstIndex(of: Self.startByte) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return false
        }
        buffer.moveReaderIndex(to: start)
        return true
    }

    private func check(_ length: Int) throws {
        guard length <= maximumFrameSize else {
            throw MLLPError(.frameTooLarge, "an MLLP message is limited to \(maximumFrameSize) bytes")
        }
    }
}

import MLLP
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite struct MLLPFrameDecoderTests {
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
    static func framed(_ text: String) -> [UInt8] { [0x0B] + Array(text.utf8) + [0x1C, 0x0D] }

    @Test func framesSplitAnywhereOrSeveralPerReadComeOutWhole() throws {
        // The verifier feeds each input whole, byte by byte and in chunks, and checks the output.
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (Self.buffer(Self.framed("MSH|^~\\&|A\rPID|||1")), [Self.buffer(Array("MSH|^~\\&|A\rPID|||1".utf8))]),
                (
                    Self.buffer(Self.framed("first") + Self.framed("second") + Self.framed("")),
                    [Self.buffer(Array("first".utf8)), Self.buffer(Array("second".utf8)), Self.buffer([])]
                ),
                (Self.buffer(Array("noise\r\n".utf8) + Self.framed("after noise")), [Self.buffer(Array("after noise".utf8))]),
                (Self.buffer(Self.framed("an FS\u{1C}without CR stays")), [Self.buffer(Array("an FS\u{1C}without CR stays".utf8))]),
            ],
            decoderFactory: { MLLPFrameDecoder() }
        )
    }

    @Test func nothingIsEmittedOrConsumedBeforeTheEnd() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        try channel.writeInbound(Self.buffer([0x0B] + Array("partial".utf8) + [0x1C]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(Self.buffer([0x0D]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == Self.buffer(Array("partial".utf8)))
        #expect(try channel.finish().isClean)
    }

    @Test func aMessageOverTheLimitIsRefusedBeforeItsEnd() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder(maximumFrameSize: 8)))
        #expect(throws: MLLPError(.frameTooLarge, "an MLLP message is limited to 8 bytes")) {
            try channel.writeInbound(Self.buffer([0x0B] + Array("123456789".utf8)))
        }
        _ = try? channel.finish()
    }

    @Test func aMessageAtTheLimitPasses() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder(maximumFrameSize: 8)))
        try channel.writeInbound(Self.buffer(Self.framed("12345678")))
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 8)
        #expect(try channel.finish().isClean)
    }

    @Test func aConnectionEndingInsideAFrameIsAnError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        try channel.writeInbound(Self.buffer([0x0B] + Array("cut".utf8)))
        #expect(throws: MLLPError.self) { try channel.finish() }
    }

    @Test func onlyNoiseAtTheEndIsDropped() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        try channel.writeInbound(Self.buffer(Self.framed("ok") + Array("trailing noise".utf8)))
        #expect(try channel.readInbound(as: ByteBuffer.self) == Self.buffer(Array("ok".utf8)))
        #expect(try channel.finish().isClean)
    }

    @Test func theEncoderFramesAndTheDecoderReadsBack() throws {
        let channel = EmbeddedChannel(handlers: [MessageToByteHandler(MLLPFrameEncoder())])
        try channel.writeOutbound(Self.buffer(Array("MSA|AA|42".utf8)))
        let framed = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(framed.readableBytesView) == Self.framed("MSA|AA|42"))
        var decoder = MLLPFrameDecoder()
        var input = framed
        #expect(try decoder.decode(buffer: &input) == Self.buffer(Array("MSA|AA|42".utf8)))
        _ = try channel.finish()
    }
}

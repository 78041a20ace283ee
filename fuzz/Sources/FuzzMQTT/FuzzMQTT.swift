import FuzzSupport
import MQTT
import NIOCore

/// Any byte stream: the packet decoder answers packets or an MQTTError, and answers the same
/// packets whether the stream arrives at once or in pieces (the first byte chooses the pieces'
/// length), so that it never consumes part of a packet.
@main enum FuzzMQTT {
    static func main() {
        Fuzzer.run { input in
            guard let cuts = StreamCuts(input) else { return }
            let whole = decode(cuts.whole)
            let pieces = decode(cuts.pieces)
            precondition(whole == pieces, "the packets depend on how the stream was cut")
        }
    }
}

private struct Outcome: Equatable {
    var packets: [MQTTPacket] = []
    var failed = false
}

private func decode(_ chunks: [ArraySlice<UInt8>]) -> Outcome {
    var decoder = MQTTPacketDecoder(maximumPacketSize: 512)
    var buffer = ByteBuffer()
    var outcome = Outcome()
    do {
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let packet = try decoder.decode(buffer: &buffer) { outcome.packets.append(packet) }
        }
        while let packet = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { outcome.packets.append(packet) }
    } catch {
        outcome.failed = true
    }
    return outcome
}

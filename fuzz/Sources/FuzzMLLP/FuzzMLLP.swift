import FuzzSupport
import MLLP
import NIOCore

/// Any byte stream: the frame decoder answers frames or an MLLPError, and answers the same frames
/// whether the stream arrives at once or in pieces (the first byte chooses the pieces' length);
/// no frame is longer than the limit or holds the end sequence.
@main enum FuzzMLLP {
    static func main() {
        Fuzzer.run { input in
            guard let cuts = StreamCuts(input) else { return }
            let whole = decode(cuts.whole)
            let pieces = decode(cuts.pieces)
            precondition(whole == pieces, "the frames depend on how the stream was cut")
            for frame in whole.frames {
                precondition(frame.count <= limit, "a frame above the limit")
                precondition(!zip(frame, frame.dropFirst()).contains { $0 == (0x1C, 0x0D) }, "a frame holds its end")
            }
        }
    }
}

private let limit = 256

private struct Outcome: Equatable {
    var frames: [[UInt8]] = []
    var failed = false
}

private func decode(_ chunks: [ArraySlice<UInt8>]) -> Outcome {
    var decoder = MLLPFrameDecoder(maximumFrameSize: limit)
    var buffer = ByteBuffer()
    var outcome = Outcome()
    do {
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let frame = try decoder.decode(buffer: &buffer) { outcome.frames.append(Array(frame.readableBytesView)) }
        }
        while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { outcome.frames.append(Array(frame.readableBytesView)) }
    } catch {
        outcome.failed = true
    }
    return outcome
}

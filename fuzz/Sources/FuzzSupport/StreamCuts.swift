/// A fuzz input read as a byte stream and a way to cut it: the first byte chooses the pieces'
/// length (1 to 17), the rest is the stream. The decoder targets check that a stream decodes the
/// same whole and in pieces, so that no decoder consumes part of a unit it has not finished.
public struct StreamCuts {
    public let whole: [ArraySlice<UInt8>]
    public let pieces: [ArraySlice<UInt8>]

    public init?(_ input: UnsafeBufferPointer<UInt8>) {
        guard let first = input.first else { return nil }
        let stream = Array(input.dropFirst())
        let piece = Int(first % 17) + 1
        whole = [stream[...]]
        pieces = stride(from: 0, to: stream.count, by: piece).map { stream[$0..<min($0 + piece, stream.count)] }
    }
}

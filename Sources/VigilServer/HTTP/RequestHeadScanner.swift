/// Follows the bytes of a connection's first request head, before any HTTP decoder sees them, and
/// says when the head is complete or too long. A value type that returns decisions; the channel
/// handler (``RequestHeadGuard``) carries them out.
///
/// The HTTP decoder's own limits close an oversized head without an answer; this one answers it:
/// 414 for a request line above ``maximumLine`` bytes, 431 for a head above ``maximumHead`` bytes
/// or ``maximumFields`` header fields.
struct RequestHeadScanner {
    enum Decision: Equatable {
        case needMore
        /// The head ended (the blank line arrived): stop watching.
        case complete
        case lineTooLong
        case headTooLarge
        case tooManyFields
    }

    let maximumLine: Int
    let maximumHead: Int
    let maximumFields: Int
    private(set) var seen = 0
    private var lineEnded = false
    /// Line ends seen: the request line's, then one per field.
    private var lines = 0
    /// The last bytes seen, to find `\r\n\r\n` across reads.
    private var tail: UInt32 = 0

    init(maximumLine: Int = 16 * 1024, maximumHead: Int = 64 * 1024, maximumFields: Int = 500) {
        (self.maximumLine, self.maximumHead, self.maximumFields) = (maximumLine, maximumHead, maximumFields)
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) -> Decision {
        for byte in bytes {
            seen += 1
            tail = tail << 8 | UInt32(byte)
            if tail == 0x0D0A_0D0A { return .complete }
            if byte == UInt8(ascii: "\n") {
                lineEnded = true
                lines += 1
                if lines > maximumFields + 1 { return .tooManyFields }
            }
            if !lineEnded, seen > maximumLine { return .lineTooLong }
            if seen > maximumHead { return .headTooLarge }
        }
        return .needMore
    }
}

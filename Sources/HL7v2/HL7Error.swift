/// Why a text is not an HL7 v2 message Vigil can read.
public struct HL7Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The text does not begin with an MSH segment.
        case notAMessage
        /// MSH-1 and MSH-2 do not give five distinct separator characters.
        case badEncodingCharacters
        /// A segment's id is not three capital letters or digits, or a second MSH follows the first.
        case badSegment
        /// A message of a type Vigil does not take (it takes ORU^R01 and ADT^A01, A02, A03, A08).
        case unsupportedMessage
        /// A field the message needs is empty or unreadable.
        case badField
    }

    public var code: Code
    public var message: String
    /// The segment (1-based) where it was found, when it is about one.
    public var segment: Int?

    public init(_ code: Code, _ message: String, segment: Int? = nil) {
        self.code = code
        self.message = message
        self.segment = segment
    }

    public var description: String { segment.map { "segment \($0): \(message)" } ?? message }
}

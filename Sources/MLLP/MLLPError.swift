/// Why a byte stream is not MLLP Vigil accepts.
public struct MLLPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A frame's message is longer than the limit.
        case frameTooLarge
        /// The connection ended inside a frame.
        case truncatedFrame
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

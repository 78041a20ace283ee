/// One problem an acknowledgement reports in an ERR segment: its error condition (HL7 table
/// 0357, ERR-3), where it was found (ERR-2: segment id, its sequence among segments of that id,
/// the field) and the reason in words (ERR-8).
public struct HL7Problem: Sendable, Equatable, CustomStringConvertible {
    /// HL7 table 0357, the conditions Vigil reports.
    public enum Condition: String, Sendable {
        case segmentSequence = "100"
        case requiredFieldMissing = "101"
        case dataType = "102"
        case tableValueNotFound = "103"
        case unsupportedMessageType = "200"
        case unknownKey = "204"
        case duplicateKey = "205"
        /// Only for what went wrong inside Vigil (the store failed), never for what was sent.
        case internalError = "207"

        public var text: String {
            switch self {
            case .segmentSequence: "Segment sequence error"
            case .requiredFieldMissing: "Required field missing"
            case .dataType: "Data type error"
            case .tableValueNotFound: "Table value not found"
            case .unsupportedMessageType: "Unsupported message type"
            case .unknownKey: "Unknown key identifier"
            case .duplicateKey: "Duplicate key identifier"
            case .internalError: "Application internal error"
            }
        }
    }

    public var condition: Condition
    public var text: String
    /// ERR-2.1, the segment id (`OBX`), with ERR-2.2, its sequence (OBX-1), and ERR-2.3, the field.
    public var segment: String?
    public var sequence: String?
    public var field: Int?

    public init(_ condition: Condition, _ text: String, segment: String? = nil, sequence: String? = nil, field: Int? = nil) {
        (self.condition, self.text, self.segment, self.sequence, self.field) = (condition, text, segment, sequence, field)
    }

    public var description: String { segment.map { "\($0) \(sequence ?? ""): \(text)" } ?? text }
}

extension HL7Error {
    /// The problem an acknowledgement reports for this error.
    public var problem: HL7Problem {
        switch code {
        case .notAMessage, .badSegment: HL7Problem(.segmentSequence, description)
        case .badEncodingCharacters: HL7Problem(.dataType, description, segment: "MSH", field: 2)
        case .unsupportedMessage: HL7Problem(.unsupportedMessageType, description, segment: "MSH", field: 9)
        case .badField: HL7Problem(.requiredFieldMissing, description, segment: "PID", field: 3)
        }
    }
}

extension HL7Problem: Error {}

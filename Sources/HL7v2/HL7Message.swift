/// An HL7 v2 message: its separators and segments, in order, the first being MSH.
public struct HL7Message: Sendable, Equatable {
    public var encoding: HL7Encoding
    public var segments: [HL7Segment]

    public init(encoding: HL7Encoding = .standard, segments: [HL7Segment]) {
        self.encoding = encoding
        self.segments = segments
    }

    /// The first segment with this id.
    public func first(_ id: String) -> HL7Segment? { segments.first { $0.id == id } }

    /// Every segment with this id, in order.
    public func all(_ id: String) -> [HL7Segment] { segments.filter { $0.id == id } }

    /// MSH-10, the message control id an acknowledgement echoes.
    public var controlID: String { first("MSH")?[10] ?? "" }

    /// MSH-9: message code, trigger event, structure (`ORU`, `R01`, `ORU_R01`).
    public var type: (code: String, event: String, structure: String) {
        let field = first("MSH")?.field(9) ?? .empty
        return (field.component(1), field.component(2), field.component(3))
    }
}

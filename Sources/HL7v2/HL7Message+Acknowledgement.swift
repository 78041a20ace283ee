extension HL7Message {
    /// MSA-1 acknowledgement codes (original mode).
    public enum AcknowledgementCode: String, Sendable {
        /// Accepted: stored.
        case accept = "AA"
        /// Error: the message was understood but not stored as a whole (quarantined, retry is useless).
        case error = "AE"
        /// Rejected: not understood, not allowed, or not processed now (a sender may resend it).
        case reject = "AR"
    }

    /// The ACK that answers `message`: MSH with sender and receiver swapped, MSA echoing MSH-10,
    /// and an ERR segment for each problem (ERR-2 where, ERR-3 the condition of table 0357, ERR-4
    /// `E`, ERR-8 the reason).
    public func acknowledgement(_ code: AcknowledgementCode, problems: [HL7Problem] = [], controlID: String, now: Int64) -> HL7Message {
        let msh = first("MSH")
        var segments = [
            HL7Segment(
                "MSH",
                [
                    HL7Field(String(encoding.field)), HL7Field(encoding.encodingCharacters), "VIGIL", "VIGIL", msh?.field(3) ?? .empty,
                    msh?.field(4) ?? .empty,
                    HL7Field(HL7Time.text(milliseconds: now)), .empty, HL7Field(components: ["ACK", type.event, "ACK"]), HL7Field(controlID), "P",
                    msh?.field(12).isEmpty == false ? msh!.field(12) : "2.6",
                ]),
            HL7Segment("MSA", [HL7Field(code.rawValue), HL7Field(self.controlID)]),
        ]
        for problem in problems {
            let location = problem.segment.map { HL7Field(components: [$0, problem.sequence ?? "", problem.field.map(String.init) ?? ""]) } ?? .empty
            segments.append(
                HL7Segment(
                    "ERR",
                    [
                        .empty, location, HL7Field(components: [problem.condition.rawValue, problem.condition.text, "HL70357"]), "E", .empty, .empty,
                        .empty, HL7Field(problem.text),
                    ]))
        }
        return HL7Message(encoding: encoding, segments: segments)
    }

}

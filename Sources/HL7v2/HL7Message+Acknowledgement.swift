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
    /// and for `AE`/`AR` an ERR segment with the reason (ERR-3 `207` application error or `200`
    /// unsupported message type, ERR-4 `E`, ERR-8 the text).
    public func acknowledgement(_ code: AcknowledgementCode, reason: String? = nil, controlID: String, now: Int64) -> HL7Message {
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
        if code != .accept {
            let errorCode = type.code == "ORU" ? ["207", "Application internal error", "HL70357"] : ["200", "Unsupported message type", "HL70357"]
            segments.append(
                HL7Segment("ERR", [.empty, .empty, HL7Field(components: errorCode), "E", .empty, .empty, .empty, HL7Field(reason ?? "")]))
        }
        return HL7Message(encoding: encoding, segments: segments)
    }

}

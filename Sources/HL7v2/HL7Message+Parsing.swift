extension HL7Message {
    /// Reads a message. Tolerant of what real senders do: segments ended by CR, LF or CRLF, a
    /// trailing separator or blank line, fewer fields than the standard lists. Strict about what
    /// would make the reading a guess: the text must begin with MSH, its separators must be five
    /// distinct punctuation characters, every segment id must be three capital letters or digits,
    /// and MSH comes once (a batch of messages is not one message).
    public init(parsing text: String) throws {
        guard text.hasPrefix("MSH") else { throw HL7Error(.notAMessage, "an HL7 v2 message begins with MSH") }
        let lines = text.split(omittingEmptySubsequences: true) { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        let encoding = try HL7Encoding(msh: lines[0])
        var segments: [HL7Segment] = []
        segments.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            segments.append(try Self.segment(line, encoding: encoding, number: index + 1))
        }
        self.init(encoding: encoding, segments: segments)
    }

    /// Reads a message from UTF-8 bytes (invalid sequences become U+FFFD).
    public init(parsing bytes: some Collection<UInt8>) throws {
        try self.init(parsing: String(decoding: bytes, as: UTF8.self))
    }

    private static func segment(_ line: Substring, encoding: HL7Encoding, number: Int) throws -> HL7Segment {
        let id = line.prefix(3)
        guard id.count == 3, id.allSatisfy({ ($0.isASCII && $0.isUppercase) || ($0.isASCII && $0.isNumber) }) else {
            throw HL7Error(.badSegment, "a segment id is three capital letters or digits", segment: number)
        }
        guard id != "MSH" || number == 1 else {
            throw HL7Error(.badSegment, "MSH comes once, first: send one message per frame", segment: number)
        }
        let rest = line.dropFirst(3)
        guard !rest.isEmpty else { return HL7Segment(String(id), []) }
        guard rest.first == encoding.field else {
            throw HL7Error(.badSegment, "\(id) is not followed by the field separator", segment: number)
        }
        var raw = rest.dropFirst().split(separator: encoding.field, omittingEmptySubsequences: false)
        var fields: [HL7Field] = []
        if id == "MSH" {
            // MSH-1 is the separator itself; MSH-2 the encoding characters, not to be split.
            fields.append(HL7Field(String(encoding.field)))
            fields.append(HL7Field(raw.isEmpty ? "" : String(raw.removeFirst())))
        }
        fields += raw.map { field(String($0), encoding: encoding) }
        return HL7Segment(String(id), fields)
    }

    private static func field(_ text: String, encoding: HL7Encoding) -> HL7Field {
        HL7Field(
            repetitions: text.split(separator: encoding.repetition, omittingEmptySubsequences: false).map { repetition in
                repetition.split(separator: encoding.component, omittingEmptySubsequences: false).map { component in
                    component.split(separator: encoding.subcomponent, omittingEmptySubsequences: false).map(encoding.unescape)
                }
            })
    }
}

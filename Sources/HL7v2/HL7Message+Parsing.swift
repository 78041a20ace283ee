extension HL7Message {
    /// Reads a message. Tolerant of what real senders do: segments ended by CR, LF or CRLF, a
    /// trailing separator or blank line, fewer fields than the standard lists. Strict about what
    /// would make the reading a guess: the text must begin with MSH, its separators must be five
    /// distinct punctuation characters, every segment id must be three capital letters or digits,
    /// and MSH comes once (a batch of messages is not one message).
    public init(parsing text: String) throws {
        guard text.hasPrefix("MSH") else { throw HL7Error(.notAMessage, "an HL7 v2 message begins with MSH") }
        let lines = text.utf8.split(omittingEmptySubsequences: true) { $0 == 13 || $0 == 10 }.map { Substring($0) }
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
        var raw = split(rest.dropFirst(), encoding.field)
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
        // Most fields of a message are empty: share one value instead of building three arrays.
        guard !text.isEmpty else { return .empty }
        return HL7Field(
            repetitions: split(text[...], encoding.repetition).map { repetition in
                split(repetition, encoding.component).map { component in
                    split(component, encoding.subcomponent).map(encoding.unescape)
                }
            })
    }

    /// `text` split at every `separator`, empty parts kept. An ASCII separator (as nearly every
    /// sender's are) splits the UTF-8 bytes, several times faster than comparing characters.
    private static func split(_ text: Substring, _ separator: Character) -> [Substring] {
        guard let byte = separator.asciiValue else { return text.split(separator: separator, omittingEmptySubsequences: false) }
        return text.utf8.split(separator: byte, omittingEmptySubsequences: false).map { Substring($0) }
    }
}

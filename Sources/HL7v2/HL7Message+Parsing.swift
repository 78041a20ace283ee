extension HL7Message {
    /// Reads a message. Tolerant of what real senders do: segments ended by CR, LF or CRLF, a
    /// trailing separator or blank line, fewer fields than the standard lists. Strict about what
    /// would make the reading a guess: the text must begin with MSH, its separators must be five
    /// distinct ASCII punctuation characters, every segment id must be three capital letters or digits,
    /// and MSH comes once (a batch of messages is not one message).
    public init(parsing text: String) throws {
        guard text.hasPrefix("MSH") else { throw HL7Error(.notAMessage, "an HL7 v2 message begins with MSH") }
        // The separators are ASCII (HL7Encoding refuses others), so the UTF-8 bytes split where
        // the characters would, without cutting a character in two; over the buffer, whose slices
        // cost no reference counting.
        var text = text
        let (encoding, segments) = try text.withUTF8 { buffer in
            let lines = buffer.split(omittingEmptySubsequences: true) { $0 == 13 || $0 == 10 }
            let encoding = try HL7Encoding(msh: Substring(String(decoding: lines[0], as: UTF8.self)))
            let separators = encoding.bytes
            var segments: [HL7Segment] = []
            segments.reserveCapacity(lines.count)
            for (index, line) in lines.enumerated() {
                segments.append(try Self.segment(line, encoding: encoding, separators: separators, number: index + 1))
            }
            return (encoding, segments)
        }
        self.init(encoding: encoding, segments: segments)
    }

    /// Reads a message from UTF-8 bytes (invalid sequences become U+FFFD).
    public init(parsing bytes: some Collection<UInt8>) throws {
        try self.init(parsing: String(decoding: bytes, as: UTF8.self))
    }

    private typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    private static func segment(_ line: Bytes, encoding: HL7Encoding, separators: HL7Encoding.Bytes, number: Int) throws -> HL7Segment {
        let idBytes = line.prefix(3)
        guard idBytes.count == 3,
            idBytes.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw HL7Error(.badSegment, "a segment id is three capital letters or digits", segment: number)
        }
        let id = String(decoding: idBytes, as: UTF8.self)
        guard id != "MSH" || number == 1 else {
            throw HL7Error(.badSegment, "MSH comes once, first: send one message per frame", segment: number)
        }
        let rest = line.dropFirst(3)
        guard let first = rest.first else { return HL7Segment(id, []) }
        guard first == separators.field else {
            throw HL7Error(.badSegment, "\(id) is not followed by the field separator", segment: number)
        }
        var fields: [HL7Field] = []
        fields.reserveCapacity(24)
        // MSH-1 is the separator itself; MSH-2 the encoding characters, not to be split.
        let isMSH = id == "MSH"
        if isMSH { fields.append(HL7Field(String(encoding.field))) }
        var start = rest.startIndex + 1
        while true {
            let end = rest[start...].firstIndex(of: separators.field) ?? rest.endIndex
            let text = rest[start..<end]
            fields.append(isMSH && fields.count == 1 ? HL7Field(String(decoding: text, as: UTF8.self)) : field(text, encoding, separators))
            guard end < rest.endIndex else { break }
            start = end + 1
        }
        return HL7Segment(id, fields)
    }

    private static func field(_ bytes: Bytes, _ encoding: HL7Encoding, _ s: HL7Encoding.Bytes) -> HL7Field {
        // Most fields of a message are empty: share one value instead of building three arrays.
        guard !bytes.isEmpty else { return .empty }
        // Most others are one value with nothing to split or unescape.
        guard bytes.contains(where: { $0 == s.repetition || $0 == s.component || $0 == s.subcomponent || $0 == s.escape }) else {
            return HL7Field(String(decoding: bytes, as: UTF8.self))
        }
        return HL7Field(
            repetitions: bytes.split(separator: s.repetition, omittingEmptySubsequences: false).map { repetition in
                repetition.split(separator: s.component, omittingEmptySubsequences: false).map { component in
                    component.split(separator: s.subcomponent, omittingEmptySubsequences: false).map { value in
                        value.contains(s.escape)
                            ? encoding.unescape(String(decoding: value, as: UTF8.self)[...]) : String(decoding: value, as: UTF8.self)
                    }
                }
            })
    }
}

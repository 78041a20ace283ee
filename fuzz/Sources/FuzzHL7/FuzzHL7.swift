import FuzzSupport
import HL7v2

/// Any bytes as an HL7 v2 message: the parser answers a message or an HL7Error; a parsed message
/// encodes to text that parses to the same message (up to the trailing empty fields and
/// components HL7 lets a writer omit) and encodes again to the same text; an acknowledgement
/// of it can always be built and parsed.
@main enum FuzzHL7 {
    static func main() {
        Fuzzer.run { input in
            guard let message = try? HL7Message(parsing: input) else { return }
            let text = message.encoded()
            let again = try? HL7Message(parsing: text)
            precondition(again.map(normalized) == normalized(message), "a parsed message changed in a round trip")
            precondition(again?.encoded() == text, "encoding is not a fixed point")
            let ack = message.acknowledgement(
                .error, problems: [HL7Problem(.dataType, "fuzz", segment: "OBX", sequence: "1", field: 5)], controlID: "1", now: 0)
            precondition((try? HL7Message(parsing: ack.encoded())) != nil, "an acknowledgement does not parse")
        }
    }
}

/// The message without the trailing empty fields, repetitions, components and subcomponents
/// a writer may leave out.
private func normalized(_ message: HL7Message) -> [[[[[String]]]]] {
    message.segments.map { segment in
        let fields = segment.fields.map { field in
            trimmed(field.repetitions.map { repetition in trimmed(repetition.map { trimmed($0) }) })
        }
        return trimmed([[[[segment.id]]]] + fields)
    }
}

private func trimmed<T: Collection>(_ items: [T]) -> [T] {
    Array(items.reversed().drop(while: \.isEmpty).reversed())
}

extension HL7Message {
    /// The message as HL7 text: segments ended by CR, values escaped, trailing empty fields and
    /// components left out.
    public func encoded() -> String {
        var text = ""
        for segment in segments {
            text += segment.id
            var fields = segment.fields
            if segment.id == "MSH" { fields = Array(fields.dropFirst(2)) }
            while let last = fields.last, last.isEmpty { fields.removeLast() }
            if segment.id == "MSH" {
                text += String(encoding.field) + encoding.encodingCharacters
            }
            for field in fields { text += String(encoding.field) + encode(field) }
            text += "\r"
        }
        return text
    }

    private func encode(_ field: HL7Field) -> String {
        field.repetitions.map { repetition in
            var components = repetition.map { $0.map(encoding.escaped).joined(separator: String(encoding.subcomponent)) }
            while components.count > 1, components.last == "" { components.removeLast() }
            return components.joined(separator: String(encoding.component))
        }.joined(separator: String(encoding.repetition))
    }
}

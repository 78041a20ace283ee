extension HL7Encoding {
    /// The text of an escaped value: `\F\ \S\ \T\ \R\ \E\` become the separators, `\Xhh…\` the
    /// UTF-8 bytes it spells, `\.br\` a line break. Other sequences (formatting, character sets)
    /// are kept as written, and so is an escape character with no closing one.
    public func unescape(_ text: Substring) -> String {
        guard escape.asciiValue.map({ text.utf8.contains($0) }) ?? text.contains(escape) else { return String(text) }
        var result = ""
        var rest = text[...]
        while let start = rest.firstIndex(of: escape) {
            result += rest[..<start]
            let afterStart = rest.index(after: start)
            guard let end = rest[afterStart...].firstIndex(of: escape) else {
                result += rest[start...]
                return result
            }
            let sequence = rest[afterStart..<end]
            if let replacement = replacement(for: sequence) {
                result += replacement
            } else {
                result += rest[start...end]
            }
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        return result
    }

    private func replacement(for sequence: Substring) -> String? {
        switch sequence {
        case "F": return String(field)
        case "S": return String(component)
        case "T": return String(subcomponent)
        case "R": return String(repetition)
        case "E": return String(escape)
        case ".br": return "\n"
        default:
            guard sequence.first == "X", sequence.count > 1, sequence.count % 2 == 1 else { return nil }
            var bytes: [UInt8] = []
            var index = sequence.index(after: sequence.startIndex)
            while index < sequence.endIndex {
                let next = sequence.index(index, offsetBy: 2)
                guard let byte = UInt8(sequence[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `text` with the separators, the escape character and line breaks escaped, so that it
    /// reads back as the same value: LF as `\.br\` (which reads back as LF), CR as `\X0D\`.
    public func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case field: result += "\(escape)F\(escape)"
            case component: result += "\(escape)S\(escape)"
            case subcomponent: result += "\(escape)T\(escape)"
            case repetition: result += "\(escape)R\(escape)"
            case escape: result += "\(escape)E\(escape)"
            case "\n": result += "\(escape).br\(escape)"
            case "\r": result += "\(escape)X0D\(escape)"
            case "\r\n": result += "\(escape)X0D\(escape)\(escape).br\(escape)"
            default: result.append(character)
            }
        }
        return result
    }
}

/// The separator and escape characters of a message, from MSH-1 and MSH-2 (usually `|^~\&`).
public struct HL7Encoding: Sendable, Equatable {
    public var field: Character
    public var component: Character
    public var repetition: Character
    public var escape: Character
    public var subcomponent: Character
    /// The truncation character of v2.7 (`#`), when MSH-2 declares one.
    public var truncation: Character?

    /// `|^~\&`.
    public static let standard = HL7Encoding(field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&")

    public init(
        field: Character, component: Character, repetition: Character, escape: Character, subcomponent: Character, truncation: Character? = nil
    ) {
        (self.field, self.component, self.repetition, self.escape, self.subcomponent) = (field, component, repetition, escape, subcomponent)
        self.truncation = truncation
    }

    /// Reads the separators from the start of an MSH segment: `MSH`, the field separator, then
    /// MSH-2 up to the next field separator: component, repetition, escape and subcomponent, and
    /// the truncation character of v2.7 when there is a fifth. All are distinct ASCII punctuation
    /// (HL7's basic character set), so a message splits on its UTF-8 bytes.
    init(msh: Substring) throws {
        let afterID = msh.dropFirst(3)
        guard let field = afterID.first else { throw HL7Error(.badEncodingCharacters, "MSH-1 and MSH-2 are missing") }
        let declared = Array(afterID.dropFirst().prefix { $0 != field })
        guard declared.count == 4 || declared.count == 5 else {
            throw HL7Error(.badEncodingCharacters, "MSH-2 must have 4 encoding characters (5 with the truncation character of v2.7)")
        }
        let all = [field] + declared
        guard Set(all).count == all.count, all.allSatisfy(\.isASCII), !all.contains(where: { $0.isLetter || $0.isNumber || $0.isWhitespace })
        else {
            throw HL7Error(.badEncodingCharacters, "the separators in MSH-1 and MSH-2 must be distinct ASCII punctuation characters")
        }
        self.init(
            field: field, component: declared[0], repetition: declared[1], escape: declared[2], subcomponent: declared[3],
            truncation: declared.count == 5 ? declared[4] : nil)
    }

    /// The separators and escape character as UTF-8 bytes.
    typealias Bytes = (field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8, subcomponent: UInt8)

    /// The separators and escape character as UTF-8 bytes (each is ASCII).
    var bytes: Bytes {
        (field.asciiValue ?? 0, component.asciiValue ?? 0, repetition.asciiValue ?? 0, escape.asciiValue ?? 0, subcomponent.asciiValue ?? 0)
    }

    /// MSH-2 as written.
    public var encodingCharacters: String { String([component, repetition, escape, subcomponent] + (truncation.map { [$0] } ?? [])) }
}

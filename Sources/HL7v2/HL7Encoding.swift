/// The separator and escape characters of a message, from MSH-1 and MSH-2 (usually `|^~\&`).
public struct HL7Encoding: Sendable, Equatable {
    public var field: Character
    public var component: Character
    public var repetition: Character
    public var escape: Character
    public var subcomponent: Character

    /// `|^~\&`.
    public static let standard = HL7Encoding(field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&")

    public init(field: Character, component: Character, repetition: Character, escape: Character, subcomponent: Character) {
        (self.field, self.component, self.repetition, self.escape, self.subcomponent) = (field, component, repetition, escape, subcomponent)
    }

    /// Reads the separators from the start of an MSH segment: `MSH`, the field separator, then
    /// MSH-2 (component, repetition, escape, subcomponent; a fifth character, the truncation
    /// character of v2.7, is allowed and ignored).
    init(msh: Substring) throws {
        let characters = Array(msh.dropFirst(3).prefix(6))
        guard characters.count >= 5 else { throw HL7Error(.badEncodingCharacters, "MSH-1 and MSH-2 are missing") }
        let field = characters[0]
        let declared = Array(characters.dropFirst().prefix { $0 != field })
        guard declared.count == 4 || declared.count == 5 else {
            throw HL7Error(.badEncodingCharacters, "MSH-2 must have 4 encoding characters")
        }
        let all = [field] + declared.prefix(4)
        guard Set(all).count == 5, !all.contains(where: { $0.isLetter || $0.isNumber || $0.isWhitespace }) else {
            throw HL7Error(.badEncodingCharacters, "the separators in MSH-1 and MSH-2 must be 5 distinct punctuation characters")
        }
        self.init(field: field, component: declared[0], repetition: declared[1], escape: declared[2], subcomponent: declared[3])
    }

    /// MSH-2 as written.
    public var encodingCharacters: String { String([component, repetition, escape, subcomponent]) }
}

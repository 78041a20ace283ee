/// Level of consciousness on the ACVPU scale: Alert, new Confusion, Voice, Pain, Unresponsive.
public enum ACVPU: String, Sendable, Codable, CaseIterable {
    case alert = "A", confusion = "C", voice = "V", pain = "P", unresponsive = "U"

    public var isAlert: Bool { self == .alert }

    /// Reads a recorded value: a letter (`A`, `C`, `V`, `P`, `U`), a word (`alert`, `confusion`,
    /// `new confusion`, `voice`, `pain`, `unresponsive`), or SNOMED CT 248234008 (mentally alert).
    public init?(recorded text: String) {
        let word = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).joined(separator: " ")
        switch word {
        case "a", "alert", "248234008", "mentally alert": self = .alert
        case "c", "confusion", "new confusion", "confused": self = .confusion
        case "v", "voice": self = .voice
        case "p", "pain": self = .pain
        case "u", "unresponsive": self = .unresponsive
        default: return nil
        }
    }
}

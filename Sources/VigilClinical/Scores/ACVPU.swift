/// Level of consciousness on the ACVPU scale: Alert, new Confusion, Voice, Pain, Unresponsive.
///
/// Read from the letters, the SNOMED CT and LOINC answer codes EHRs send, and the phrasings
/// clinicians write, case, spacing and punctuation aside. Anything else is not read: the caller
/// refuses it (``ClinicalObservation/interpret(observation:id:)``) rather than scoring it as alert.
public enum ACVPU: String, Sendable, Codable, CaseIterable {
    case alert = "A", confusion = "C", voice = "V", pain = "P", unresponsive = "U"

    public var isAlert: Bool { self == .alert }

    /// What the level is called on the NEWS2 chart.
    public var name: String {
        switch self {
        case .alert: "Alert"
        case .confusion: "New confusion"
        case .voice: "Responds to voice"
        case .pain: "Responds to pain"
        case .unresponsive: "Unresponsive"
        }
    }

    /// SNOMED CT findings. 450847001 is "Responds to pain" in the HL7 UK CareConnect ACVPU value
    /// set and "responds to voice" in some systems: both score the same in NEWS2 and qSOFA.
    /// 1104441000000107 (the ACVPU observable) is read as new confusion when sent as a value, as
    /// some systems do.
    public static let snomed: [String: ACVPU] = [
        "248234008": .alert,
        "1104441000000107": .confusion, "130987000": .confusion,
        "300202002": .voice, "255373000": .voice,
        "450847001": .pain, "450848006": .pain,
        "422768004": .unresponsive, "450849003": .unresponsive,
    ]

    /// LOINC answers of the level-of-responsiveness question (67775-7).
    public static let loincAnswers: [String: ACVPU] = [
        "LA9340-6": .alert, "LA6560-2": .confusion, "LA17108-4": .voice, "LA17107-6": .pain, "LA9343-0": .unresponsive,
    ]

    /// Phrasings, as ``normalized(_:)`` leaves them.
    public static let phrases: [String: ACVPU] = {
        var table: [String: ACVPU] = [:]
        let words: [ACVPU: [String]] = [
            .alert: ["alert", "mentally alert", "awake and alert", "alert and oriented", "alert and orientated", "fully alert"],
            .confusion: [
                "confusion", "new confusion", "new onset confusion", "newly confused", "acute confusion", "acutely confused", "confused",
                "new confusion or delirium", "delirium",
            ],
            .voice: [
                "voice", "verbal", "responds to voice", "responds to verbal", "responds to verbal stimuli", "responsive to voice",
                "voice responsive", "responds to speech",
            ],
            .pain: ["pain", "responds to pain", "responsive to pain", "pain responsive", "responds to painful stimuli", "responds to pain only"],
            .unresponsive: [
                "unresponsive", "unresponsive to pain", "unresponsive to voice and pain", "no response", "not responsive", "unconscious",
                "no response to voice or pain", "unrousable", "unrouseable",
            ],
        ]
        for (level, phrases) in words { for phrase in phrases { table[phrase] = level } }
        return table
    }()

    /// Every form accepted for each level: letter, phrasings, codes.
    public static let accepted: [ACVPU: [String]] = {
        var forms = Dictionary(uniqueKeysWithValues: allCases.map { ($0, [$0.rawValue]) })
        for (phrase, level) in phrases.sorted(by: { $0.key < $1.key }) { forms[level, default: []].append(phrase) }
        for (code, level) in snomed.merging(loincAnswers, uniquingKeysWith: { a, _ in a }).sorted(by: { $0.key < $1.key }) {
            forms[level, default: []].append(code)
        }
        return forms
    }()

    /// What is accepted, for an error message.
    public static let acceptedDescription: String =
        "the letters A, C, V, P or U; "
        + allCases.map { level in "\(level.name): " + (accepted[level] ?? []).dropFirst().joined(separator: ", ") }.joined(separator: "; ")

    /// Reads a coded value: a SNOMED CT finding, a LOINC answer, or (any other system) a letter.
    public init?(code: String, system: String?) {
        switch system {
        case "http://snomed.info/sct": guard let level = Self.snomed[code] else { return nil }; self = level
        case "http://loinc.org": guard let level = Self.loincAnswers[code] else { return nil }; self = level
        default: self.init(recorded: code)
        }
    }

    /// Reads a recorded text: a letter, a phrasing, a code, or a letter followed by a phrasing of
    /// the same level ("V - responds to voice").
    public init?(recorded text: String) {
        let normalized = Self.normalized(text)
        if let level = ACVPU(rawValue: normalized.uppercased()) ?? Self.phrases[normalized] ?? Self.snomed[normalized] {
            self = level
            return
        }
        if let level = Self.loincAnswers.first(where: { Self.normalized($0.key) == normalized })?.value {
            self = level
            return
        }
        let words = normalized.split(separator: " ", maxSplits: 1)
        guard words.count == 2, let letter = ACVPU(rawValue: words[0].uppercased()), Self.phrases[String(words[1])] == letter else { return nil }
        self = letter
    }

    /// Lower case, punctuation as spaces, single spaces, without a trailing "(finding)".
    public static func normalized(_ text: String) -> String {
        let spaced = String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " })
        var words = spaced.split(separator: " ")
        if words.count > 1, words.last == "finding" { words.removeLast() }
        return words.joined(separator: " ")
    }
}

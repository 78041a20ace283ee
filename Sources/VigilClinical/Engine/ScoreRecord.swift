public import VigilCore

/// A computed early-warning score, ready to be stored as a FHIR Observation.
public struct ScoreRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case news2, pews, qsofa }

    public struct Part: Sendable, Equatable {
        public var system: String
        public var code: String
        public var display: String
        public var points: Int
    }

    public var kind: Kind
    public var total: Int
    public var parts: [Part]
    /// The response band (NEWS2), or nil.
    public var band: String?
    /// What was assumed because it was not recorded.
    public var assumed: [String]
    /// What else a reader should know (an age read from a partial birth date).
    public var notes: [String] = []
    /// The newest contributing measurement's time.
    public var time: Int64
    /// Ids of the Observations the score was computed from.
    public var derivedFrom: [String]
    public var policyVersion: String

    public static let snomed = "http://snomed.info/sct"
    public static let vigilScore = "urn:vigil:score"

    /// The total's code: SNOMED CT for NEWS2, Vigil's own code system for the others.
    public var code: (system: String, code: String, display: String) {
        switch kind {
        case .news2: (Self.snomed, "1104051000000101", "NEWS2 (National Early Warning Score 2) total score")
        case .pews: (Self.vigilScore, "pews", "Bedside PEWS, vital-sign items, total score")
        case .qsofa: (Self.vigilScore, "qsofa", "qSOFA score")
        }
    }

    /// Whether `other` says the same (total, parts, band, assumptions, policy), whatever its time
    /// and sources: a score is stored again only when its result changes.
    public func hasSameResult(as other: ScoreRecord) -> Bool {
        kind == other.kind && total == other.total && parts == other.parts && band == other.band && assumed == other.assumed && notes == other.notes
            && policyVersion == other.policyVersion
    }

    /// The score as a FHIR R4 Observation of `patient`.
    public func observation(patient: String) -> JSON {
        func quantity(_ value: Int) -> JSON {
            ["value": .integer(value), "unit": "{score}", "system": .string(CodeDefinition.ucum), "code": "{score}"]
        }
        var object: JSONObject = [
            "resourceType": "Observation",
            "meta": ["tag": [["system": "urn:vigil:policy", "code": .string(policyVersion)]]],
            "status": "final",
            "category": [["coding": [["system": .string(CodeDefinition.observationCategory), "code": "survey"]]]],
            "code": ["coding": [["system": .string(code.system), "code": .string(code.code), "display": .string(code.display)]]],
            "subject": FHIRReference(type: "Patient", id: patient).json,
            "effectiveDateTime": .string(FHIRDateTime.instant(milliseconds: time)),
            "valueQuantity": quantity(total),
        ]
        if let band { object["interpretation"] = [["text": .string(band)]] }
        var notes = self.notes.map { "Age: \($0)." }
        if !assumed.isEmpty { notes.insert("Partial: assumed \(assumed.joined(separator: ", ")) (not recorded).", at: 0) }
        if !notes.isEmpty { object["note"] = .array(notes.map { ["text": .string($0)] }) }
        if !derivedFrom.isEmpty { object["derivedFrom"] = .array(derivedFrom.map { ["reference": .string("Observation/\($0)")] }) }
        if !parts.isEmpty {
            object["component"] = .array(
                parts.map { part in
                    [
                        "code": ["coding": [["system": .string(part.system), "code": .string(part.code), "display": .string(part.display)]]],
                        "valueQuantity": quantity(part.points),
                    ]
                })
        }
        return .object(object)
    }
}

/// A patient's refusal of research, read from FHIR Consent: a Consent whose `scope` is `research`
/// (`http://terminology.hl7.org/CodeSystem/consentscope`), `status` `active` and `provision.type`
/// `deny`, with a `provision.period` (when it has one) covering the time. Such a patient is in
/// no research export and no aggregate. A patient who changes their mind has the Consent made
/// `inactive`.
public enum ResearchConsent {
    public static let scopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope"
    public static let scopeCode = "research"

    /// The period the Consent `json` refuses research in (nil ends: open), or nil when it does not
    /// refuse research at all.
    public static func refusal(_ json: JSON) -> (from: Int64?, to: Int64?)? {
        let isResearch = (json["scope"]?["coding"]?.arrayValue ?? []).contains {
            $0["system"]?.stringValue == scopeSystem && $0["code"]?.stringValue == scopeCode
        }
        let provision = json["provision"]
        guard isResearch, json["status"]?.stringValue == "active", provision?["type"]?.stringValue == "deny" else { return nil }
        return (
            provision?["period"]?["start"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound,
            provision?["period"]?["end"]?.stringValue.flatMap(FHIRDateTime.init)?.upperBound
        )
    }

    /// Whether the Consent `json` refuses research at `time`.
    public static func refuses(_ json: JSON, at time: Int64) -> Bool { refusal(json).map { covers($0, time) } ?? false }

    /// Whether a refusal's period covers `time`.
    public static func covers(_ period: (from: Int64?, to: Int64?), _ time: Int64) -> Bool {
        (period.from ?? .min) <= time && time <= (period.to ?? .max)
    }
}

public import VigilCore

/// A patient's refusal of research, read from FHIR Consent: a Consent whose `scope` is `research`
/// (`http://terminology.hl7.org/CodeSystem/consentscope`), `status` `active` and `provision.type`
/// `deny`, with a `provision.period` (when it has one) covering the time. Such a patient is in
/// no research export and no aggregate. A patient who changes their mind has the Consent made
/// `inactive`.
public enum ResearchConsent {
    public static let scopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope"
    public static let scopeCode = "research"

    /// Whether the Consent `json` refuses research at `time`.
    public static func refuses(_ json: JSON, at time: Int64) -> Bool {
        let isResearch = (json["scope"]?["coding"]?.arrayValue ?? []).contains {
            $0["system"]?.stringValue == scopeSystem && $0["code"]?.stringValue == scopeCode
        }
        let provision = json["provision"]
        guard isResearch, json["status"]?.stringValue == "active", provision?["type"]?.stringValue == "deny" else { return false }
        if let start = provision?["period"]?["start"]?.stringValue.flatMap(FHIRDateTime.init), time < start.lowerBound { return false }
        if let end = provision?["period"]?["end"]?.stringValue.flatMap(FHIRDateTime.init), end.upperBound < time { return false }
        return true
    }
}

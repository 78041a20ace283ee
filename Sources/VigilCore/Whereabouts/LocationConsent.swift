/// A patient's consent to have their whereabouts kept, read from FHIR Consent resources: a
/// Consent whose `category` holds ``code`` of ``system``, `status` `active`, a `provision` of
/// type `permit` (or none) and, when it has one, a `provision.period` covering the time.
/// Anything else (draft, rejected, inactive, entered in error, a `deny`, a period over) does not
/// consent.
public enum LocationConsent {
    public static let system = "urn:vigil:fhir:consent"
    public static let code = "location"

    /// Whether the Consent `json` is about whereabouts at all.
    public static func isAboutLocation(_ json: JSON) -> Bool {
        (json["category"]?.arrayValue ?? []).contains { concept in
            (concept["coding"]?.arrayValue ?? []).contains { $0["system"]?.stringValue == system && $0["code"]?.stringValue == code }
        }
    }

    /// Whether the Consents `consents` (a patient's) let their whereabouts at `time` be kept.
    public static func permits(_ consents: [JSON], at time: Int64) -> Bool {
        consents.contains { consent in
            guard isAboutLocation(consent), consent["status"]?.stringValue == "active" else { return false }
            let provision = consent["provision"]
            guard (provision?["type"]?.stringValue ?? "permit") == "permit" else { return false }
            if let start = provision?["period"]?["start"]?.stringValue {
                guard let bound = FHIRDateTime(start), bound.lowerBound <= time else { return false }
            }
            if let end = provision?["period"]?["end"]?.stringValue {
                guard let bound = FHIRDateTime(end), time <= bound.upperBound else { return false }
            }
            return true
        }
    }
}

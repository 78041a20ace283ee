public import VigilCore

/// What of a de-identified Patient could, combined, single someone out: birth year (or 90 and
/// over), sex and ZIP3. An export leaves out everyone whose combination fewer than
/// ``SafeHarbor/k`` people share (DEID-5), with all their records.
public struct QuasiIdentifiers: Sendable, Hashable {
    public var birthYear: String?
    public var ninetyOrOlder: Bool
    public var gender: String?
    public var zip3: String?

    /// Those of a Patient as ``Deidentifier`` lets it out.
    public init(deidentified patient: JSON) {
        birthYear = patient["birthDate"]?.stringValue
        ninetyOrOlder = (patient["extension"]?.arrayValue ?? []).contains { $0["url"]?.stringValue == Deidentifier.ninetyOrOlderExtension }
        gender = patient["gender"]?.stringValue
        zip3 = patient["address"]?[0]?["postalCode"]?.stringValue
    }
}

extension SafeHarbor {
    /// The patients (by pseudonym) whose quasi-identifiers fewer than ``k`` share.
    public func suppressed(_ patients: [String: QuasiIdentifiers]) -> Set<String> {
        var sizes: [QuasiIdentifiers: Int] = [:]
        for identifiers in patients.values { sizes[identifiers, default: 0] += 1 }
        return Set(patients.filter { sizes[$0.value]! < k }.keys)
    }
}

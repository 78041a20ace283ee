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

    /// Those of a person in a population table, as Safe Harbor lets them out on `today`.
    public init(_ person: PopulationTable.Person, in table: PopulationTable, profile: SafeHarbor, today: (year: Int, month: Int, day: Int)) {
        let birth = person.birth.map { SafeHarbor.birth(table.births.values[Int($0)], on: today) }
        (birthYear, ninetyOrOlder) = (birth?.year, birth?.ninetyOrOlder ?? false)
        gender = person.gender.map { table.genders.values[Int($0)] }
        zip3 = person.area.flatMap { profile.zip3(table.areas.values[Int($0)]) }
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

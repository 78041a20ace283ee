public import VigilCore

/// What of a de-identified Patient could, combined, single someone out: birth year (or 90 and
/// over), sex and ZIP3. An export leaves out everyone whose combination fewer than
/// ``SafeHarbor/k`` people share (DEID-5), with all their records.
public struct QuasiIdentifiers: Sendable, Hashable {
    public var birthYear: String?
    public var ninetyOrOlder: Bool
    public var gender: String?
    public var zip3: String?

    public init(birthYear: String?, ninetyOrOlder: Bool, gender: String?, zip3: String?) {
        (self.birthYear, self.ninetyOrOlder, self.gender, self.zip3) = (birthYear, ninetyOrOlder, gender, zip3)
    }

    /// Those of a Patient as ``Deidentifier`` lets it out.
    public init(deidentified patient: JSON) {
        birthYear = patient["birthDate"]?.stringValue
        ninetyOrOlder = (patient["extension"]?.arrayValue ?? []).contains { $0["url"]?.stringValue == Deidentifier.ninetyOrOlderExtension }
        gender = patient["gender"]?.stringValue
        zip3 = patient["address"]?[0]?["postalCode"]?.stringValue
    }

    /// Those of the people of a population table, as Safe Harbor lets them out on `today`: what
    /// each birth date and postal code leaves worked out once for the table, not once a person.
    public struct Reader: Sendable {
        let genders: [String]
        let births: [(year: String?, ninetyOrOlder: Bool)]
        let zip3s: [String?]

        public init(_ table: PopulationTable, profile: SafeHarbor, today: (year: Int, month: Int, day: Int)) {
            genders = table.genders.values
            births = table.births.values.map { SafeHarbor.birth($0, on: today) }
            zip3s = table.areas.values.map(profile.zip3)
        }

        public func callAsFunction(_ person: PopulationTable.Person) -> QuasiIdentifiers {
            let birth = person.birth.map { births[Int($0)] }
            return QuasiIdentifiers(
                birthYear: birth?.year, ninetyOrOlder: birth?.ninetyOrOlder ?? false, gender: person.gender.map { genders[Int($0)] },
                zip3: person.area.flatMap { zip3s[Int($0)] })
        }
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

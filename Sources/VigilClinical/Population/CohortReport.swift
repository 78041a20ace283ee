public import VigilCore

/// A cohort definition's answer over a set of patients on a day: its members ranked, and their
/// counts (``tally``).
public struct CohortReport: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var patient: String
        public var risks: [String]
        public var lastDose: Int64?
        public var area: String?
        /// Whole years on the day (the youngest a partial birth date allows); nil when unknown.
        public var age: Int?
    }

    /// A count as public health may see it: a number, or `<11` for 1 to 10.
    public enum Count: Sendable, Equatable {
        case exact(Int)
        case suppressed
    }

    /// One cell of the public-health table: members in an area (postal-code prefix) and age band.
    public struct Cell: Sendable, Equatable {
        public var area: String
        public var ageBand: String
        public var count: Count
    }

    public var definition: CohortDefinition
    /// Most risks first, then oldest, then by patient id.
    public var members: [Member]
    /// Patients with no risk found and not protected, whose age could not be read (no birth date).
    public var undetermined: Int

    /// Counts under this are shown as `<11` (the usual small-cell rule of health statistics).
    public static let smallestShown = 11
    /// Characters of the postal code that name an area (ZIP3).
    public static let areaPrefix = 3
    /// Age bands: the lowest age of each, with its label.
    public static let ageBands: [(from: Int, label: String)] = [(0, "0-4"), (5, "5-17"), (18, "18-49"), (50, "50-64"), (65, "65+")]

    public init(definition: CohortDefinition, records: [PopulationRecord], at now: Int64) {
        self.definition = definition
        var members: [Member] = []
        var undetermined = 0
        let today = Birth.day(of: now)
        for record in records {
            let membership = definition.evaluate(record, at: now, today: today)
            if membership.isMember {
                let age = record.birth.flatMap(Birth.init(fhirDate:)).map { $0.ageInMonths(on: today) / 12 }
                members.append(Member(patient: record.patient, risks: membership.risks, lastDose: membership.lastDose, area: record.area, age: age))
            } else if membership.risks.isEmpty && !membership.unknown.isEmpty && !membership.isProtected {
                undetermined += 1
            }
        }
        self.members = members.sorted { a, b in
            if a.risks.count != b.risks.count { return a.risks.count > b.risks.count }
            if a.age != b.age { return (a.age ?? -1) > (b.age ?? -1) }
            return a.patient < b.patient
        }
        self.undetermined = undetermined
    }

    /// The members counted by area and age band.
    public var tally: CohortTally {
        var counts: [String: [String: Int]] = [:]
        for member in members {
            counts[member.area.map { String($0.prefix(Self.areaPrefix)) } ?? "unknown", default: [:]][Self.ageBand(member.age), default: 0] += 1
        }
        return CohortTally(definition: definition, counts: counts, undetermined: undetermined)
    }

    static func shown(_ count: Int) -> Count { (1..<smallestShown).contains(count) ? .suppressed : .exact(count) }

    static func ageBand(_ age: Int?) -> String {
        guard let age else { return "unknown" }
        return ageBands.last { $0.from <= age }!.label
    }

    static func bandOrder(_ label: String) -> Int { ageBands.firstIndex { $0.label == label } ?? ageBands.count }
}

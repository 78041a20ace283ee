import PropertyBased
import Testing
import VigilCore

@testable import VigilClinical

/// Public health's counts over a population table (``CohortDefinition/tally(_:at:)``) are those of
/// the records' report, evaluated one by one (``CohortReport/tally``).
@Suite struct CohortTallyTests {
    static let now = CohortTests.now
    static let day = CohortTests.day
    static let icd = "http://hl7.org/fhir/sid/icd-10-cm"
    static let snomed = "http://snomed.info/sct"
    static let cvx = "http://hl7.org/fhir/sid/cvx"

    /// Birth dates on and beside the age cut-offs of the day (`now` is 2026-12-04), partial dates,
    /// one that is not a date, none.
    static let births: [String?] = [
        nil, "1961-12-04", "1961-12-05", "1961", "1961-12", "2021-12-04", "2021-12-05", "2021", "2021-12", "2008-12-04", "2008-12-05",
        "2008-12", "1990-06-15", "2026-11-30", "someday",
    ]
    static let areas: [String?] = [nil, "02108", "02109", "01013", "9"]
    /// Risk codes of several sets, by prefix and exactly, and codes of no risk.
    static let conditions: [PopulationCode] = [
        .init(system: icd, code: "J45.909"), .init(system: icd, code: "E11.9"), .init(system: icd, code: "C50.1"), .init(system: icd, code: "I63.9"),
        .init(system: snomed, code: "86406008"), .init(system: snomed, code: "162864005"), .init(system: snomed, code: "38341003"),
        .init(system: "http://example.org", code: "J45"),
    ]
    /// Vaccines of each shipped definition, and one of none.
    static let vaccines = ["88", "140", "207", "212", "03", "94", "05", "08"].map { PopulationCode(system: cvx, code: $0) }

    static let record = zip(
        Gen.int(in: 0...(births.count - 1)), Gen.int(in: 0...(areas.count - 1)), Gen.int(in: 0...(conditions.count - 1)).array(of: 0...2),
        zip(Gen.int(in: 0...(vaccines.count - 1)), Gen.int(in: -900...20)).array(of: 0...3), Gen.int(in: 0...60)
    ).map { birth, area, codes, doses, bmi in
        PopulationRecord(
            patient: "", birth: births[birth], area: areas[area], conditions: codes.map { conditions[$0] }, bmi: bmi < 20 ? nil : Double(bmi),
            doses: doses.map { .init(code: vaccines[$0], time: now + Int64($1) * day) })
    }

    static let definitions =
        CohortDefinition.shipped + [
            .unvaccinatedHighRisk(vaccines: [.init(system: cvx, code: "140")]),
            CohortDefinition(
                name: "no age", version: "1", risk: .init(conditions: CohortDefinition.covid19.risk.conditions, bmiAtLeast: 35),
                protection: .init(vaccines: [.init(system: cvx, code: "2", prefix: true)], doses: 2, minimumIntervalDays: 60, withinDays: 400)),
        ]

    @Test func countsAndMembersOverTheTableAreThoseOfTheRecordsOneByOne() async {
        await propertyCheck(count: 300, input: Self.record.array(of: 0...80)) { generated in
            let records = generated.enumerated().map { index, record in
                var record = record
                record.patient = "p\(index)"
                return record
            }
            let table = Self.table(records)
            for definition in Self.definitions {
                let expected = CohortReport(definition: definition, records: records, at: Self.now)
                #expect(definition.tally(table, at: Self.now) == expected.tally, "\(definition.name)")
                #expect(definition.members(table, at: Self.now) == Set(expected.members.map(\.patient)), "\(definition.name)")
            }
        }
    }

    /// A table of the records' facts, with some patients forgotten and added again as a store's
    /// changes do, so that reused slots are read too.
    static func table(_ records: [PopulationRecord]) -> PopulationTable {
        var table = PopulationTable()
        records.flatMap(facts).forEach { table.add($0) }
        table.add(.person(patient: "gone", birth: "1950-01-01", area: "02108", gender: nil, deceased: false))
        let again = records.filter { $0.patient.hasSuffix("3") }
        table.apply(PopulationChanges(mark: 1, patients: again.map(\.patient) + ["gone"], facts: again.flatMap(facts)))
        return table
    }

    /// A record's facts as the store states them, the person first.
    static func facts(_ record: PopulationRecord) -> [PopulationFact] {
        [.person(patient: record.patient, birth: record.birth, area: record.area, gender: nil, deceased: false)]
            + record.conditions.map { .condition(patient: record.patient, system: $0.system, code: $0.code) }
            + record.doses.map { .dose(patient: record.patient, system: $0.code.system, code: $0.code.code, time: $0.time) }
            + (record.bmi.map { [.bmi(patient: record.patient, value: $0, time: now - day)] } ?? [])
    }

    @Test func aTableLeavesOutTheDeceasedAndFactsOfNoOne() {
        var table = PopulationTable()
        table.add(.person(patient: "dead", birth: "1940-01-01", area: nil, gender: nil, deceased: true))
        table.add(.condition(patient: "dead", system: Self.snomed, code: "86406008"))
        table.add(.person(patient: "p", birth: "1990-01-01", area: nil, gender: nil, deceased: false))
        table.add(.bmi(patient: "p", value: 45, time: Self.now - 10 * Self.day))
        table.add(.bmi(patient: "p", value: 30, time: Self.now - 5 * Self.day))
        table.add(.bmi(patient: "p", value: 50, time: Self.now - 20 * Self.day))
        #expect(Array(table.patients) == ["p"] && table.record(of: "p")?.bmi == 30, "the latest BMI, not the last added")
        #expect(CohortDefinition.influenza.tally(table, at: Self.now).members == 0)
    }
}

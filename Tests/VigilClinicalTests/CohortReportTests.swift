import PropertyBased
import Testing
import VigilCore

@testable import VigilClinical

/// The shipped definitions, what they ask of the store, and the report: ranking and small-cell suppression.
@Suite struct CohortReportTests {
    static let now = CohortTests.now
    static let day = CohortTests.day

    @Test func theShippedDefinitionsAreUsable() throws {
        for definition in CohortDefinition.shipped + [.unvaccinatedHighRisk(vaccines: [.init(system: "http://hl7.org/fhir/sid/cvx", code: "88")])] {
            let problems = definition.problems.filter { !$0.contains("built per request") }
            #expect(problems.isEmpty, "\(definition.name): \(problems)")
        }
        #expect(Set(CohortDefinition.shipped.map(\.name)).count == CohortDefinition.shipped.count)
        let broken = CohortDefinition(
            name: "Flu season", version: "", risk: .init(), protection: .init(vaccines: [], doses: 0, minimumIntervalDays: -1, withinDays: 0))
        #expect(broken.problems.count == 6)
    }

    /// Influenza's value sets read real codings: ICD-10 and ICD-10-CM blocks by prefix, SNOMED CT exactly.
    @Test func shippedValueSetsMatchTheCodesEHRsSend() {
        let cases: [(String, String, [String])] = [
            ("http://hl7.org/fhir/sid/icd-10-cm", "J45.909", ["chronic lung disease"]), ("http://hl7.org/fhir/sid/icd-10", "E11.9", ["diabetes"]),
            ("http://snomed.info/sct", "84757009", ["neurological disorder"]), ("http://snomed.info/sct", "49436004", ["heart disease"]),
            ("http://snomed.info/sct", "38341003", []),  // hypertension alone is not a risk for influenza
            ("http://snomed.info/sct", "15777000", []),  // nor prediabetes
        ]
        for (system, code, risks) in cases {
            let record = PopulationRecord(patient: "p", birth: "1990-01-01", conditions: [.init(system: system, code: code)])
            #expect(CohortDefinition.influenza.evaluate(record, at: Self.now).risks == risks, "\(code)")
        }
        // Measles: one MMR dose is not enough; two 28 days apart protect.
        let mmr = PopulationCode(system: "http://hl7.org/fhir/sid/cvx", code: "03")
        let child = PopulationRecord(patient: "c", birth: "2020-01-01", doses: [.init(code: mmr, time: Self.now - 400 * Self.day)])
        #expect(CohortDefinition.measles.evaluate(child, at: Self.now).isMember)
        var twice = child
        twice.doses.append(.init(code: mmr, time: Self.now - 372 * Self.day))
        #expect(!CohortDefinition.measles.evaluate(twice, at: Self.now).isMember)
    }

    /// What the store is asked never leaves out someone the rules count at risk by age.
    @Test func theStoreQueryCoversEveryAgeTheRulesCount() async {
        let query = CohortDefinition.influenza.query(at: Self.now)
        await propertyCheck(count: 2000, input: Gen.int(in: 0...(100 * 366))) { daysOld in
            let birth = FHIRDateTime.date(milliseconds: Self.now - Int64(daysOld) * Self.day)
            let risks = CohortDefinition.influenza.evaluate(PopulationRecord(patient: "p", birth: birth), at: Self.now).risks
            let range = FHIRDateTime(birth)!
            let answered = range.upperBound > query.bornAfter! || range.lowerBound <= query.bornBefore!
            #expect(!risks.contains { $0.hasPrefix("age") } || answered, "\(birth)")
        }
    }

    static func record(_ id: String, born: String?, area: String?, asthma: Bool = false) -> PopulationRecord {
        PopulationRecord(
            patient: id, birth: born, area: area, conditions: asthma ? [.init(system: "http://snomed.info/sct", code: "195967001")] : [])
    }

    @Test func membersAreRankedByRisksThenAge() {
        let report = CohortReport(
            definition: .influenza,
            records: [
                Self.record("a", born: "1950-01-01", area: "02108"), Self.record("b", born: "1940-01-01", area: "02108"),
                Self.record("c", born: "1950-01-01", area: "02108", asthma: true), Self.record("d", born: "1990-01-01", area: "02108"),
                Self.record("e", born: nil, area: nil), Self.record("f", born: nil, area: nil, asthma: true),
            ], at: Self.now)
        #expect(report.members.map(\.patient) == ["c", "b", "a", "f"])
        #expect(report.members.first?.risks == ["age 65 and over", "chronic lung disease"])
        #expect(report.undetermined == 1)
    }

    /// Cells of 1 to 10 are `<11`; a lone small cell takes the next smallest with it, so the total
    /// does not give it away; 0 and 11 are shown.
    @Test func smallCellsAreSuppressedAndNotRecoverableFromTheTotal() {
        func report(_ groups: [(area: String, born: String, count: Int)]) -> CohortReport {
            var records: [PopulationRecord] = []
            for group in groups {
                for n in 0..<group.count { records.append(Self.record("\(group.area)-\(group.born)-\(n)", born: group.born, area: group.area)) }
            }
            return CohortReport(definition: .influenza, records: records, at: Self.now)
        }
        let mixed = report([("02108", "1950-01-01", 11), ("02109", "2024-01-01", 10), ("01013", "1950-01-01", 30), ("01013", "2024-01-01", 12)])
        #expect(mixed.tally.total == .exact(63))
        #expect(
            mixed.tally.cells == [
                .init(area: "010", ageBand: "0-4", count: .exact(12)), .init(area: "010", ageBand: "65+", count: .exact(30)),
                .init(area: "021", ageBand: "0-4", count: .suppressed), .init(area: "021", ageBand: "65+", count: .suppressed),
            ])
        let two = report([("02108", "1950-01-01", 3), ("02109", "2024-01-01", 1), ("01013", "1950-01-01", 40)])
        #expect(two.tally.cells.map(\.count) == [.exact(40), .suppressed, .suppressed])
        #expect(report([("02108", "1950-01-01", 4)]).tally.total == .suppressed)
        #expect(report([]).tally.total == .exact(0) && report([]).tally.cells.isEmpty)
    }
}

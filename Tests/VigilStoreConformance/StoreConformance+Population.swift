import Testing
import VigilCore

extension StoreConformance {
    static let snomed = "http://snomed.info/sct"
    static let cvx = "http://hl7.org/fhir/sid/cvx"

    static func person(_ id: String, born: String?, postalCode: String = "02108", deceased: Bool = false) -> ResourceWrite {
        var object: JSONObject = ["resourceType": "Patient", "address": [["use": "home", "postalCode": .string(postalCode)]]]
        if let born { object["birthDate"] = .string(born) }
        if deceased { object["deceasedDateTime"] = "2025-01-01" }
        return Fixture.write(.object(object), .patient, id: id)
    }

    static func condition(_ id: String, patient: String, code: String, status: String = "active", version: Int = 1) -> ResourceWrite {
        Fixture.write(
            [
                "resourceType": "Condition", "subject": ["reference": .string("Patient/\(patient)")],
                "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": .string(status)]]],
                "code": ["coding": [["system": .string(snomed), "code": .string(code)]]],
            ], .condition, id: id, version: version, mode: version == 1 ? .create : .update(replacing: version - 1))
    }

    static func dose(_ id: String, patient: String, code: String, on date: String, status: String = "completed") -> ResourceWrite {
        Fixture.write(
            [
                "resourceType": "Immunization", "status": .string(status), "patient": ["reference": .string("Patient/\(patient)")],
                "vaccineCode": ["coding": [["system": .string(cvx), "code": .string(code)]]], "occurrenceDateTime": .string(date),
            ], .immunization, id: id)
    }

    static func bmi(_ id: String, patient: String, value: Double, on date: String) -> ResourceWrite {
        Fixture.write(
            [
                "resourceType": "Observation", "status": "final", "subject": ["reference": .string("Patient/\(patient)")],
                "code": ["coding": [["system": "http://loinc.org", "code": "39156-5"]]], "effectiveDateTime": .string(date),
                "valueQuantity": ["value": .double(value), "unit": "kg/m2", "system": "http://unitsofmeasure.org", "code": "kg/m2"],
            ], .observation, id: id)
    }

    static let populationChecks: [(name: String, check: Check)] = [
        (
            "population finds who a rule could count at risk, with their doses and latest BMI",
            { store in
                try await store.write(
                    [
                        person("old", born: "1950-05-01"), person("young", born: "2024-01-01"), person("asthma", born: "1990-01-01"),
                        person("heavy", born: "1990-01-01", postalCode: "01013"), person("well", born: "1990-01-01"),
                        person("unknown", born: nil), person("dead", born: "1940-01-01", deceased: true),
                        condition("c1", patient: "asthma", code: "195967001"),
                        condition("c2", patient: "well", code: "195967001", status: "resolved"),
                        condition("c3", patient: "old", code: "44054006"),
                        dose("i1", patient: "old", code: "140", on: "2026-10-01"), dose("i2", patient: "old", code: "03", on: "2026-10-01"),
                        dose("i3", patient: "asthma", code: "140", on: "2025-10-01", status: "not-done"),
                        // Written out of time order: the latest counts, not the last written.
                        bmi("b2", patient: "heavy", value: 41, on: "2026-01-01"), bmi("b1", patient: "heavy", value: 38, on: "2025-01-01"),
                        bmi("b3", patient: "well", value: 45, on: "2025-01-01"), bmi("b4", patient: "well", value: 30, on: "2026-01-01"),
                    ], audit: [], sealer: Fixture.sealer)
                let query = PopulationQuery(
                    bornAfter: FHIRDateTime("2021-12-01")!.lowerBound, bornBefore: FHIRDateTime("1961-12-31")!.upperBound,
                    conditions: [.init(system: snomed, code: "1959", prefix: true)], bmiAtLeast: 40, vaccines: [.init(system: cvx, code: "140")])
                let found = Dictionary(uniqueKeysWithValues: try await store.population(query).map { ($0.patient, $0) })
                // Resolved asthma is not a risk and the well patient's latest BMI is 30, but an
                // earlier 45 makes them a candidate: the cohort reads their latest, 30.
                #expect(Set(found.keys) == ["old", "young", "asthma", "heavy", "unknown", "well"])
                #expect(
                    found["old"]
                        == PopulationRecord(
                            patient: "old", birth: "1950-05-01", area: "02108",
                            doses: [.init(code: .init(system: cvx, code: "140"), time: FHIRDateTime("2026-10-01")!.lowerBound)]))
                #expect(found["asthma"]?.conditions == [.init(system: snomed, code: "195967001")] && found["asthma"]?.doses == [])
                #expect(found["heavy"]?.bmi == 41 && found["heavy"]?.area == "01013" && found["well"]?.bmi == 30)
                #expect(found["unknown"]?.birth == nil)
                // Read by patient, the same patients' facts are the same.
                var same = query
                same.patients = Set(found.keys)
                #expect(try await store.population(same) == found.values.sorted { $0.patient < $1.patient })
                // A panel: exactly those patients, living, whatever their risk.
                var panel = query
                panel.patients = ["well", "dead", "nobody", "asthma"]
                #expect(try await store.population(panel).map(\.patient) == ["asthma", "well"])
            }
        ),
        (
            "population facts follow their resource's versions",
            { store in
                try await store.write(
                    [person("p", born: "1990-01-01"), condition("c", patient: "p", code: "195967001")], audit: [], sealer: Fixture.sealer)
                let query = PopulationQuery(conditions: [.init(system: snomed, code: "195967001")], vaccines: [])
                #expect(try await store.population(query).map(\.patient) == ["p"])
                try await store.write(
                    [condition("c", patient: "p", code: "195967001", status: "resolved", version: 2)], audit: [], sealer: Fixture.sealer)
                #expect(try await store.population(query).isEmpty)
                try await store.write(
                    [condition("c", patient: "p", code: "195967001", status: "recurrence", version: 3)], audit: [], sealer: Fixture.sealer)
                #expect(try await store.population(query).map(\.patient) == ["p"])
                var gone = try #require(try await store.resource(.condition, id: "c"))
                (gone.version, gone.isDeleted) = (4, true)
                try await store.write(
                    [ResourceWrite(mode: .delete(replacing: 3), resource: gone, index: [], accessLinks: [])], audit: [], sealer: Fixture.sealer)
                #expect(try await store.population(query).isEmpty)
            }
        ),
        (
            "the population table holds every living patient's facts, and its changes bring an older table up to date",
            { store in
                try await store.write(
                    [
                        person("old", born: "1950-05-01"), person("young", born: "2024-01-01"), person("dead", born: "1940-01-01", deceased: true),
                        person("unknown", born: nil, postalCode: "01013"), condition("c1", patient: "old", code: "195967001"),
                        condition("c2", patient: "young", code: "195967001", status: "resolved"), condition("c3", patient: "dead", code: "44054006"),
                        dose("i1", patient: "old", code: "140", on: "2026-10-01"), dose("i2", patient: "young", code: "03", on: "2025-02-01"),
                        bmi("b1", patient: "unknown", value: 41, on: "2026-01-01"), bmi("b2", patient: "unknown", value: 38, on: "2025-01-01"),
                    ], audit: [], sealer: Fixture.sealer)
                let table = try await store.populationTable()
                #expect(Set(table.patients) == ["old", "young", "unknown"])
                #expect(
                    table.record(of: "old")
                        == PopulationRecord(
                            patient: "old", birth: "1950-05-01", area: "02108", conditions: [.init(system: snomed, code: "195967001")],
                            doses: [.init(code: .init(system: cvx, code: "140"), time: FHIRDateTime("2026-10-01")!.lowerBound)]))
                #expect(table.record(of: "unknown") == PopulationRecord(patient: "unknown", birth: nil, area: "01013", bmi: 41))
                #expect(
                    try await store.populationChanges(after: table.mark, limit: 10) == PopulationChanges(mark: table.mark, patients: [], facts: []))

                // A condition resolved, a patient now deceased, one born, a dose deleted, facts of someone not stored.
                var died = try #require(try await store.resource(.patient, id: "young"))
                var deceased = try #require(died.json.objectValue)
                deceased["deceasedBoolean"] = true
                (died.version, died.json) = (2, .object(deceased))
                var undone = try #require(try await store.resource(.immunization, id: "i1"))
                (undone.version, undone.isDeleted) = (2, true)
                try await store.write(
                    [
                        condition("c1", patient: "old", code: "195967001", status: "resolved", version: 2),
                        ResourceWrite(mode: .update(replacing: 1), resource: died, index: [], accessLinks: []),
                        ResourceWrite(mode: .delete(replacing: 1), resource: undone, index: [], accessLinks: []),
                        person("born", born: "2026-11-30"), dose("i3", patient: "born", code: "08", on: "2026-11-30"),
                        condition("c4", patient: "ghost", code: "44054006"), bmi("b3", patient: "unknown", value: 30, on: "2026-06-01"),
                    ], audit: [], sealer: Fixture.sealer)
                let changes = try #require(try await store.populationChanges(after: table.mark, limit: 10))
                #expect(Set(changes.patients) == ["old", "young", "born", "ghost", "unknown"] && changes.mark > table.mark)
                var caughtUp = table
                caughtUp.apply(changes)
                let fresh = try await store.populationTable()
                #expect(Set(caughtUp.patients) == ["old", "unknown", "born"] && Set(fresh.patients) == Set(caughtUp.patients))
                for patient in fresh.patients {
                    #expect(caughtUp.record(of: patient) == fresh.record(of: patient), "\(patient)")
                    // Each person keeps the store's key for them, read whole or caught up.
                    #expect(fresh.person(patient)?.key != nil && caughtUp.person(patient)?.key == fresh.person(patient)?.key, "\(patient)")
                }
                #expect(caughtUp.record(of: "old")?.conditions == [] && caughtUp.record(of: "old")?.doses == [])
                #expect(caughtUp.record(of: "unknown")?.bmi == 30 && caughtUp.mark == fresh.mark)
                // More changes than the limit: nil, read the whole table again.
                #expect(try await store.populationChanges(after: table.mark, limit: 4) == nil)
            }
        ),
        (
            "the population table holds each person's sex and refusals of research, and a refusal is a change",
            { store in
                var woman = try #require(person("w", born: "1980-02-02").resource.json.objectValue)
                woman["gender"] = "female"
                try await store.write(
                    [Fixture.write(.object(woman), .patient, id: "w"), person("m", born: "1970-01-01")], audit: [], sealer: Fixture.sealer)
                let table = try await store.populationTable()
                #expect(table.person("w")?.gender.map { table.genders.values[Int($0)] } == "female" && table.person("m")?.gender == nil)
                func refusal(_ id: String, status: String, period: JSON) -> ResourceWrite {
                    Fixture.write(
                        [
                            "resourceType": "Consent", "status": .string(status), "patient": ["reference": "Patient/w"],
                            "scope": ["coding": [["system": .string(ResearchConsent.scopeSystem), "code": "research"]]],
                            "provision": ["type": "deny", "period": period],
                        ], .consent, id: id)
                }
                try await store.write(
                    [
                        refusal("r1", status: "active", period: ["start": "2026-01-01", "end": "2026-12-31"]),
                        refusal("r2", status: "inactive", period: ["start": "2020-01-01"]),
                    ], audit: [], sealer: Fixture.sealer)
                let changes = try #require(try await store.populationChanges(after: table.mark, limit: 10))
                #expect(changes.patients == ["w"])
                var caughtUp = table
                caughtUp.apply(changes)
                for refusals in [caughtUp.person("w")?.refusals, try await store.populationTable().person("w")?.refusals] {
                    #expect(refusals?.count == 1)
                    #expect(
                        refusals?.first?.from == FHIRDateTime("2026-01-01")?.lowerBound
                            && refusals?.first?.to == FHIRDateTime("2026-12-31")?.upperBound)
                }
            }
        ),
    ]
}

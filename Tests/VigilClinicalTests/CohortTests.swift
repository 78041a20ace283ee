import Testing
import VigilCore

@testable import VigilClinical

/// Who is at higher risk and not protected, by each rule of a cohort definition, on hand-built patients.
@Suite struct CohortTests {
    /// 2026-12-04T12:00:00Z.
    static let now: Int64 = 1_796_385_600_000
    static let day: Int64 = 86_400_000

    /// Influenza-like: under 5 or 65 and over, asthma (ICD-10 J45*, SNOMED 195967001) or diabetes
    /// (E10*, E11*), BMI ≥ 40; protected by one dose of CVX 88/150 within 365 days.
    static let definition = CohortDefinition(
        name: "test-influenza", version: "1",
        risk: .init(
            ageBelowYears: 5, ageFromYears: 65,
            conditions: [
                .init(
                    name: "asthma",
                    codes: [
                        .init(system: "http://hl7.org/fhir/sid/icd-10", code: "J45", prefix: true),
                        .init(system: "http://snomed.info/sct", code: "195967001"),
                    ]),
                .init(
                    name: "diabetes",
                    codes: [
                        .init(system: "http://hl7.org/fhir/sid/icd-10", code: "E10", prefix: true),
                        .init(system: "http://hl7.org/fhir/sid/icd-10", code: "E11", prefix: true),
                    ]),
            ], bmiAtLeast: 40),
        protection: .init(
            vaccines: [.init(system: "http://hl7.org/fhir/sid/cvx", code: "88"), .init(system: "http://hl7.org/fhir/sid/cvx", code: "150")], doses: 1,
            minimumIntervalDays: 0, withinDays: 365))

    static func patient(born: String, conditions: [PopulationCode] = [], doses: [(String, Int64)] = [], bmi: Double? = nil) -> PopulationRecord {
        PopulationRecord(
            patient: "p", birth: born, conditions: conditions, bmi: bmi,
            doses: doses.map { .init(code: .init(system: "http://hl7.org/fhir/sid/cvx", code: $0.0), time: $0.1) })
    }

    @Test func ageIsReadOnTheDayAtBothEdges() {
        // Five years old today: no longer under 5; the day before the birthday still 4.
        #expect(Self.definition.evaluate(Self.patient(born: "2021-12-04"), at: Self.now).risks == [])
        #expect(Self.definition.evaluate(Self.patient(born: "2021-12-05"), at: Self.now).risks == ["age under 5"])
        // 65 today: at risk; 65 tomorrow: not yet.
        #expect(Self.definition.evaluate(Self.patient(born: "1961-12-04"), at: Self.now).risks == ["age 65 and over"])
        #expect(Self.definition.evaluate(Self.patient(born: "1961-12-05"), at: Self.now).risks == [])
    }

    @Test func conditionsMatchByCodeOrPrefixInTheirSystemOnly() {
        let icd = "http://hl7.org/fhir/sid/icd-10"
        let cases: [(PopulationCode, [String])] = [
            (.init(system: icd, code: "J45.909"), ["asthma"]), (.init(system: icd, code: "J45"), ["asthma"]),
            (.init(system: "http://snomed.info/sct", code: "195967001"), ["asthma"]), (.init(system: icd, code: "E11.9"), ["diabetes"]),
            (.init(system: icd, code: "J44.9"), []), (.init(system: "http://snomed.info/sct", code: "J45.9"), []),
            (.init(system: "http://snomed.info/sct", code: "1959670011"), []),
        ]
        for (code, risks) in cases {
            #expect(Self.definition.evaluate(Self.patient(born: "1990-01-01", conditions: [code]), at: Self.now).risks == risks, "\(code)")
        }
    }

    @Test func bmiCountsFromItsThreshold() {
        #expect(Self.definition.evaluate(Self.patient(born: "1990-01-01", bmi: 40), at: Self.now).risks == ["BMI 40 and over"])
        #expect(Self.definition.evaluate(Self.patient(born: "1990-01-01", bmi: 39.9), at: Self.now).risks == [])
    }

    /// A dose within the window protects; one just outside it, or of another vaccine, does not.
    @Test func protectionNeedsTheDosesWithinTheWindow() {
        let atRisk = "1950-01-01"
        let recent = Self.definition.evaluate(Self.patient(born: atRisk, doses: [("150", Self.now - 365 * Self.day)]), at: Self.now)
        #expect(recent.isProtected && !recent.isMember && recent.lastDose == Self.now - 365 * Self.day)
        let old = Self.definition.evaluate(Self.patient(born: atRisk, doses: [("150", Self.now - 366 * Self.day)]), at: Self.now)
        #expect(!old.isProtected && old.isMember && old.lastDose == Self.now - 366 * Self.day)
        let other = Self.definition.evaluate(Self.patient(born: atRisk, doses: [("03", Self.now - Self.day)]), at: Self.now)
        #expect(other.isMember && other.lastDose == nil)
        // Not at risk: never a member, protected or not.
        #expect(!Self.definition.evaluate(Self.patient(born: "1990-01-01"), at: Self.now).isMember)
    }

    /// Two doses at least 28 days apart (measles): two doses 27 days apart count as one.
    @Test func dosesCountOnlyWhenFarEnoughApart() {
        var measles = Self.definition
        measles.protection = .init(
            vaccines: [.init(system: "http://hl7.org/fhir/sid/cvx", code: "03")], doses: 2, minimumIntervalDays: 28, withinDays: nil)
        let child = "2023-01-01"
        let close = Self.patient(born: child, doses: [("03", Self.now - 100 * Self.day), ("03", Self.now - 73 * Self.day)])
        let apart = Self.patient(born: child, doses: [("03", Self.now - 100 * Self.day), ("03", Self.now - 72 * Self.day)])
        let three = Self.patient(
            born: child, doses: [("03", Self.now - 100 * Self.day), ("03", Self.now - 80 * Self.day), ("03", Self.now - 60 * Self.day)])
        #expect(!measles.evaluate(close, at: Self.now).isProtected)
        #expect(measles.evaluate(apart, at: Self.now).isProtected)
        #expect(measles.evaluate(three, at: Self.now).isProtected)
        // A dose recorded in the future is not protection.
        #expect(
            !measles.evaluate(Self.patient(born: child, doses: [("03", Self.now - 100 * Self.day), ("03", Self.now + Self.day)]), at: Self.now)
                .isProtected)
    }

    /// A birth year alone allows ages 64 and 65 on 2026-12-04 (and 4 or 5 for 2021): either end
    /// puts a person at risk.
    @Test func aPartialBirthDateCountsAtEitherEnd() {
        #expect(Self.definition.evaluate(Self.patient(born: "1961"), at: Self.now).risks == ["age 65 and over"])
        #expect(Self.definition.evaluate(Self.patient(born: "1961-12"), at: Self.now).risks == ["age 65 and over"])
        #expect(Self.definition.evaluate(Self.patient(born: "1962"), at: Self.now).risks == [])
        #expect(Self.definition.evaluate(Self.patient(born: "2021"), at: Self.now).risks == ["age under 5"])
        #expect(Self.definition.evaluate(Self.patient(born: "2020"), at: Self.now).risks == [])
    }

    /// Without a birth date the age rules cannot be read: said, not silently read as no risk.
    @Test func anUnknownBirthDateIsSaid() {
        let unknown = PopulationRecord(patient: "p", birth: nil)
        let membership = Self.definition.evaluate(unknown, at: Self.now)
        #expect(membership.unknown == ["age"] && !membership.isMember)
    }
}

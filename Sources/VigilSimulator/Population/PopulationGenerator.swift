import Foundation
public import VigilCore

/// A synthetic population for population work: people in households in areas, with ages,
/// chronic conditions, body mass index and immunizations at rates near US public statistics
/// (rounded; `docs/simulator.md` lists them), as FHIR R4 resources with fixed ids.
///
/// Deterministic: the same seed and patient number give the same person, so a population can be
/// loaded in parts and a benchmark repeated.
public struct PopulationGenerator: Sendable {
    /// One generated person's resources: the Patient first, then what refers to it.
    public struct Person: Sendable {
        public var resources: [(type: FHIRResourceType, id: String, json: JSON)]
    }

    public var seed: UInt64
    /// The day the population is generated on (ages and doses count back from it), in milliseconds.
    public var now: Int64
    /// Areas: postal codes of five digits, `areas` of them.
    public var areas: Int
    /// Prefix of every id, so that several populations can share a store.
    public var idPrefix: String

    public init(seed: UInt64 = 1, now: Int64, areas: Int = 200, idPrefix: String = "pop") {
        (self.seed, self.now, self.areas, self.idPrefix) = (seed, now, areas, idPrefix)
    }

    /// Share of the population by age band (US Census, rounded): the band's lowest and highest age.
    static let ageBands: [(share: Double, years: ClosedRange<Int>)] = [
        (0.06, 0...4), (0.16, 5...17), (0.43, 18...49), (0.18, 50...64), (0.17, 65...95),
    ]

    /// Chronic conditions: SNOMED CT code, display, and prevalence among children, adults under
    /// 65, and 65 and over (CDC figures, rounded).
    static let conditions: [(code: String, display: String, child: Double, adult: Double, older: Double)] = [
        ("195967001", "Asthma", 0.06, 0.08, 0.07),
        ("44054006", "Diabetes mellitus type 2", 0.002, 0.09, 0.25),
        ("13645005", "Chronic obstructive lung disease", 0, 0.04, 0.11),
        ("53741008", "Coronary arteriosclerosis", 0, 0.03, 0.17),
        ("433144002", "Chronic kidney disease stage 3", 0, 0.02, 0.08),
        ("84757009", "Epilepsy", 0.006, 0.012, 0.012),
    ]

    /// Dose rates: children's MMR (two doses), this season's and last season's influenza, a COVID-19 dose this year.
    static let mmrTwoDoses = 0.91
    static let influenza: (child: Double, adult: Double, older: Double) = (0.55, 0.45, 0.70)
    static let covid: (child: Double, adult: Double, older: Double) = (0.10, 0.20, 0.40)
    /// Adults with a BMI of 40 or more (CDC, rounded).
    static let severeObesity = 0.09

    /// Person `n` (from 0). Consecutive numbers share a household of three
    /// (its address and area).
    public func person(_ n: Int) -> Person {
        var random = SeededGenerator(seed: seed, name: "person-\(n)")
        let id = "\(idPrefix)-\(n)"
        let household = n / 3
        var householdRandom = SeededGenerator(seed: seed, name: "household-\(household)")
        let area = 10_000 + Int(householdRandom.next() % UInt64(areas)) * 449 % 90_000
        let day: Int64 = 86_400_000
        // Age: a band by its share, then a day within it.
        var pick = random.unit()
        let band =
            Self.ageBands.first {
                pick -= $0.share; return pick < 0
            } ?? Self.ageBands.last!
        let ageDays = Int64(band.years.lowerBound * 365) + Int64(random.next() % UInt64((band.years.count) * 365))
        let born = now - ageDays * day
        let age = Int(ageDays / 365)
        var resources: [(FHIRResourceType, String, JSON)] = [
            (
                .patient, id,
                [
                    "resourceType": "Patient", "gender": random.unit() < 0.5 ? "female" : "male",
                    "birthDate": .string(FHIRDateTime.date(milliseconds: born)),
                    "name": [["family": .string("Household\(household)"), "given": [.string("Person\(n)")]]],
                    "address": [
                        [
                            "use": "home", "line": [.string("\(household % 900 + 1) Synthetic Street")],
                            "postalCode": .string(String(format: "%05d", area)),
                        ]
                    ],
                ]
            )
        ]
        func rate(_ rates: (child: Double, adult: Double, older: Double)) -> Double { age < 18 ? rates.child : age < 65 ? rates.adult : rates.older }
        let subject: JSON = ["reference": .string("Patient/\(id)")]
        for (index, condition) in Self.conditions.enumerated() where random.unit() < rate((condition.child, condition.adult, condition.older)) {
            resources.append(
                (
                    .condition, "\(id)-c\(index)",
                    [
                        "resourceType": "Condition", "subject": subject,
                        "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                        "code": [
                            "coding": [["system": "http://snomed.info/sct", "code": .string(condition.code), "display": .string(condition.display)]]
                        ],
                        "onsetDateTime": .string(FHIRDateTime.date(milliseconds: born + ageDays * day / 2)),
                    ]
                ))
        }
        func dose(_ suffix: String, _ cvx: String, _ display: String, daysAgo: Int64) {
            guard daysAgo >= 0, daysAgo < ageDays else { return }
            resources.append(
                (
                    .immunization, "\(id)-\(suffix)",
                    [
                        "resourceType": "Immunization", "status": "completed", "patient": subject,
                        "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": .string(cvx), "display": .string(display)]]],
                        "occurrenceDateTime": .string(FHIRDateTime.date(milliseconds: now - daysAgo * day)),
                    ]
                ))
        }
        // MMR at 12–15 months and 4–6 years, for those born after 1957 and old enough.
        if age < 65, random.unit() < Self.mmrTwoDoses {
            dose("mmr1", "03", "MMR", daysAgo: ageDays - 365 - Int64(random.next() % 90))
            dose("mmr2", "03", "MMR", daysAgo: ageDays - 4 * 365 - Int64(random.next() % 700))
        }
        if random.unit() < rate(Self.influenza) {
            dose("flu1", "140", "Influenza, seasonal, injectable, preservative free", daysAgo: Int64(random.next() % 90))
        }
        if random.unit() < rate(Self.influenza) {
            dose("flu0", "140", "Influenza, seasonal, injectable, preservative free", daysAgo: 365 + Int64(random.next() % 90))
        }
        if random.unit() < rate(Self.covid) { dose("cov1", "208", "COVID-19, mRNA, 30 mcg/0.3 mL", daysAgo: Int64(random.next() % 300)) }
        if age >= 18 {
            let bmi = random.unit() < Self.severeObesity ? 40 + random.unit() * 12 : 19 + random.unit() * 20.9
            resources.append(
                (
                    .observation, "\(id)-bmi",
                    [
                        "resourceType": "Observation", "status": "final", "subject": subject,
                        "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"]]]],
                        "code": [
                            "coding": [
                                ["system": "http://loinc.org", "code": .string(PopulationFact.bmiCode), "display": "Body mass index (BMI) [Ratio]"]
                            ]
                        ],
                        "effectiveDateTime": .string(FHIRDateTime.date(milliseconds: now - Int64(random.next() % 365) * day)),
                        "valueQuantity": [
                            "value": .double((bmi * 10).rounded() / 10), "unit": "kg/m2", "system": "http://unitsofmeasure.org", "code": "kg/m2",
                        ],
                    ]
                ))
        }
        return Person(resources: resources.map { (type: $0.0, id: $0.1, json: $0.2) })
    }
}

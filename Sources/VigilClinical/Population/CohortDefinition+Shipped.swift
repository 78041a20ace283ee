public import VigilCore

/// The definitions Vigil ships, from the CDC/ACIP higher-risk lists and CVX codes
/// (`docs/clinical.md`, "Outbreak cohorts"). A site edits them as a document (`vigil cohorts show`).
extension CohortDefinition {
    public static let shippedVersion = "2026-12"

    /// Influenza: under 5 or 65 and over; chronic lung, heart, kidney, liver, neurological, blood
    /// and metabolic disease, immunocompromise, BMI 40 and over. Protected by a dose in the last 365 days.
    public static let influenza = CohortDefinition(
        name: "influenza", version: shippedVersion,
        risk: .init(
            ageBelowYears: 5, ageFromYears: 65,
            conditions: [lung, heart, kidney, liver, neurological, blood, diabetes, immunocompromise, severeObesity], bmiAtLeast: 40),
        protection: .init(vaccines: cvx("88", "140", "141", "149", "150", "158", "111"), doses: 1, minimumIntervalDays: 0, withinDays: 365))

    /// COVID-19: 65 and over; cancer, chronic kidney, liver and lung disease, dementia, diabetes,
    /// heart disease, HIV and immunocompromise, obesity (BMI 30 and over), sickle cell disease,
    /// smoking, substance use, stroke. Protected by a dose in the last 365 days.
    public static let covid19 = CohortDefinition(
        name: "covid-19", version: shippedVersion,
        risk: .init(
            ageFromYears: 65,
            conditions: [
                cancer, kidney, liver, lung, dementia, diabetes, heart, immunocompromise, obesity, blood, smoking, substanceUse, stroke,
            ], bmiAtLeast: 30),
        protection: .init(vaccines: cvx("207", "208", "212", "213"), doses: 1, minimumIntervalDays: 0, withinDays: 365))

    /// Measles: children and adolescents (under 18), immunocompromise. Protected by two doses of a
    /// measles-containing vaccine (MMR, MMRV, measles) at least 28 days apart.
    public static let measles = CohortDefinition(
        name: "measles", version: shippedVersion,
        risk: .init(ageBelowYears: 18, conditions: [immunocompromise]),
        protection: .init(vaccines: cvx("03", "94", "05"), doses: 2, minimumIntervalDays: 28, withinDays: nil))

    /// The named definitions shipped.
    public static let shipped = [influenza, covid19, measles]

    /// Name of the definition built per request from the vaccines asked about.
    public static let unvaccinatedHighRisk = "unvaccinated-high-risk"

    /// People at higher risk by any shipped rule (under 5, 65 and over, any listed condition, BMI
    /// 40 and over) with no recorded dose of any of `vaccines`.
    public static func unvaccinatedHighRisk(vaccines: [ValueSetCode]) -> CohortDefinition {
        var conditions: [ConditionSet] = []
        for set in influenza.risk.conditions + covid19.risk.conditions where !conditions.contains(where: { $0.name == set.name }) {
            conditions.append(set)
        }
        return CohortDefinition(
            name: unvaccinatedHighRisk, version: shippedVersion,
            risk: .init(ageBelowYears: 5, ageFromYears: 65, conditions: conditions, bmiAtLeast: 40),
            protection: .init(vaccines: vaccines, doses: 1, minimumIntervalDays: 0, withinDays: nil))
    }

    // MARK: Value sets (ICD-10 blocks by prefix, in both the WHO and the US CM systems; SNOMED CT codes as Synthea and EHRs send them)

    static let lung = set(
        "chronic lung disease", icd: ["J44", "J45", "J46", "J47", "J84", "E84", "I27"], snomed: ["195967001", "233678006", "13645005"])
    static let heart = set(
        "heart disease", icd: ["I20", "I21", "I22", "I23", "I24", "I25", "I42", "I48", "I50"],
        snomed: ["49436004", "53741008", "22298006", "84114007", "88805009"])
    static let kidney = set("chronic kidney disease", icd: ["N18"], snomed: ["431855005", "431856006", "433144002", "431857002", "46177005"])
    static let liver = set("chronic liver disease", icd: ["K70", "K72", "K73", "K74", "K76"], snomed: [])
    static let neurological = set(
        "neurological disorder", icd: ["G20", "G30", "G35", "G40", "G80"], snomed: ["84757009", "128613002", "26929004", "49049000", "24700007"])
    static let dementia = set("dementia", icd: ["F01", "F02", "F03", "G30"], snomed: ["26929004"])
    static let blood = set("sickle cell disease", icd: ["D57"], snomed: ["417357006"])
    static let diabetes = set("diabetes", icd: ["E10", "E11"], snomed: ["44054006", "46635009"])
    static let immunocompromise = set("immunocompromise", icd: ["B20", "D80", "D81", "D82", "D83", "D84"], snomed: ["86406008"])
    static let severeObesity = set("severe obesity", icd: [], snomed: ["408512008"])
    static let obesity = set("obesity", icd: ["E66"], snomed: ["162864005", "408512008"])
    static let cancer = set("cancer", icd: ["C"], snomed: [])
    static let smoking = set("smoking", icd: ["F17"], snomed: ["449868002"])
    static let substanceUse = set("substance use disorder", icd: ["F10", "F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19"], snomed: [])
    static let stroke = set("stroke", icd: ["I6"], snomed: ["230690007"])

    static func set(_ name: String, icd: [String], snomed: [String]) -> ConditionSet {
        ConditionSet(
            name: name,
            codes: icd.flatMap { block in
                ["http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm"].map { Code(system: $0, code: block, prefix: true) }
            } + snomed.map { Code(system: "http://snomed.info/sct", code: $0) })
    }

    static func cvx(_ codes: String...) -> [Code] { codes.map { Code(system: "http://hl7.org/fhir/sid/cvx", code: $0) } }
}

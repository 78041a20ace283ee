// The search parameters of each stored type, following the R4 definitions
// (https://hl7.org/fhir/R4/searchparameter-registry.html) for the names and paths clinicians use.

extension FHIRSearchParameter {
    private static func patientAndSubject(_ path: String = "subject") -> [FHIRSearchParameter] {
        [
            FHIRSearchParameter("patient", .reference, [path], target: "Patient"),
            FHIRSearchParameter("subject", .reference, [path]),
        ]
    }

    private static let identifier = FHIRSearchParameter("identifier", .token, ["identifier"])
    private static let status = FHIRSearchParameter("status", .token, ["status"])
    private static let code = FHIRSearchParameter("code", .token, ["code"])
    private static let category = FHIRSearchParameter("category", .token, ["category"])
    private static let names: [FHIRSearchParameter] = [
        FHIRSearchParameter("name", .string, ["name"]),
        FHIRSearchParameter("family", .string, ["name.family"]),
        FHIRSearchParameter("given", .string, ["name.given"]),
    ]

    static let table: [FHIRResourceType: [String: FHIRSearchParameter]] = {
        let lists: [FHIRResourceType: [FHIRSearchParameter]] = [
            .patient: names + [
                identifier,
                FHIRSearchParameter("birthdate", .date, ["birthDate"]),
                FHIRSearchParameter("gender", .token, ["gender"]),
                FHIRSearchParameter("active", .token, ["active"]),
                FHIRSearchParameter("general-practitioner", .reference, ["generalPractitioner"]),
                FHIRSearchParameter("telecom", .token, ["telecom"]),
                FHIRSearchParameter("address", .string, ["address"]),
            ],
            .practitioner: names + [
                identifier,
                FHIRSearchParameter("active", .token, ["active"]),
                FHIRSearchParameter("gender", .token, ["gender"]),
                FHIRSearchParameter("telecom", .token, ["telecom"]),
            ],
            .relatedPerson: [
                identifier,
                FHIRSearchParameter("patient", .reference, ["patient"], target: "Patient"),
                FHIRSearchParameter("name", .string, ["name"]),
                FHIRSearchParameter("relationship", .token, ["relationship"]),
                FHIRSearchParameter("active", .token, ["active"]),
            ],
            .device: [
                identifier, status,
                FHIRSearchParameter("patient", .reference, ["patient"], target: "Patient"),
                FHIRSearchParameter("type", .token, ["type"]),
                FHIRSearchParameter("location", .reference, ["location"]),
                FHIRSearchParameter("manufacturer", .string, ["manufacturer"]),
                FHIRSearchParameter("model", .string, ["modelNumber"]),
                FHIRSearchParameter("device-name", .string, ["deviceName.name"]),
            ],
            .group: [
                identifier,
                FHIRSearchParameter("member", .reference, ["member.entity"]),
                FHIRSearchParameter("type", .token, ["type"]),
                FHIRSearchParameter("code", .token, ["code"]),
                FHIRSearchParameter("actual", .token, ["actual"]),
                FHIRSearchParameter("managing-entity", .reference, ["managingEntity"]),
            ],
            .location: [
                identifier, status,
                FHIRSearchParameter("name", .string, ["name", "alias"]),
                FHIRSearchParameter("type", .token, ["type"]),
                FHIRSearchParameter("address", .string, ["address"]),
                FHIRSearchParameter("partof", .reference, ["partOf"]),
            ],
            .careTeam: patientAndSubject() + [
                identifier, status, category,
                FHIRSearchParameter("participant", .reference, ["participant.member"]),
                FHIRSearchParameter("date", .date, ["period"]),
            ],
            .observation: patientAndSubject() + [
                identifier, status, code, category,
                FHIRSearchParameter("date", .date, ["effective[x]"]),
                FHIRSearchParameter("device", .reference, ["device"]),
                FHIRSearchParameter("performer", .reference, ["performer"]),
                FHIRSearchParameter("derived-from", .reference, ["derivedFrom"]),
                FHIRSearchParameter("component-code", .token, ["component.code"]),
            ],
            .condition: patientAndSubject() + [
                identifier, code, category,
                FHIRSearchParameter("clinical-status", .token, ["clinicalStatus"]),
                FHIRSearchParameter("verification-status", .token, ["verificationStatus"]),
                FHIRSearchParameter("severity", .token, ["severity"]),
                FHIRSearchParameter("onset-date", .date, ["onset[x]"]),
                FHIRSearchParameter("recorded-date", .date, ["recordedDate"]),
            ],
            .immunization: [
                identifier, status,
                FHIRSearchParameter("patient", .reference, ["patient"], target: "Patient"),
                FHIRSearchParameter("vaccine-code", .token, ["vaccineCode"]),
                FHIRSearchParameter("date", .date, ["occurrence[x]"]),
            ],
            .diagnosticReport: patientAndSubject() + [
                identifier, status, code, category,
                FHIRSearchParameter("date", .date, ["effective[x]"]),
                FHIRSearchParameter("issued", .date, ["issued"]),
                FHIRSearchParameter("result", .reference, ["result"]),
                FHIRSearchParameter("performer", .reference, ["performer"]),
            ],
            .imagingStudy: patientAndSubject() + [
                identifier, status,
                FHIRSearchParameter("started", .date, ["started"]),
                FHIRSearchParameter("modality", .token, ["modality", "series.modality"]),
            ],
            .medicationStatement: patientAndSubject() + [
                identifier, status, category,
                FHIRSearchParameter("code", .token, ["medication[x]"]),
                FHIRSearchParameter("effective", .date, ["effective[x]"]),
            ],
            .procedure: patientAndSubject() + [
                identifier, status, code, category,
                FHIRSearchParameter("date", .date, ["performed[x]"]),
            ],
            .carePlan: patientAndSubject() + [
                identifier, status, category,
                FHIRSearchParameter("intent", .token, ["intent"]),
                FHIRSearchParameter("date", .date, ["period"]),
                FHIRSearchParameter("care-team", .reference, ["careTeam"]),
            ],
        ]
        return lists.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.name, $0) }) }
    }()
}

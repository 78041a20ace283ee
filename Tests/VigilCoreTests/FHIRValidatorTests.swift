import Testing
import VigilCore

@Suite struct FHIRValidatorTests {
    static let valid: [JSON] = [
        [
            "resourceType": "Patient", "identifier": [["system": "urn:mrn", "value": "42"]], "name": [["family": "Doe", "given": ["Jane"]]],
            "gender": "female", "birthDate": "1970-02-03", "deceasedBoolean": false, "telecom": [["system": "phone", "value": "+1 555"]],
        ],
        [
            "resourceType": "Observation", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]],
            "subject": ["reference": "Patient/p1"], "effectiveDateTime": "2026-03-01T08:00:00Z",
            "valueQuantity": ["value": .number("72.0"), "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"],
            "component": [["code": ["text": "x"], "valueString": "y"]],
        ],
        [
            "resourceType": "Immunization", "status": "completed",
            "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]],
            "patient": ["reference": "Patient/p1"], "occurrenceDateTime": "2025-10-01", "protocolApplied": [["doseNumberPositiveInt": 1]],
        ],
        [
            "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/ward-3"],
            "participant": [["member": ["reference": "Practitioner/n1"], "period": ["start": "2026-01-01"]]],
        ],
        ["resourceType": "Group", "type": "person", "actual": true, "member": [["entity": ["reference": "Patient/p1"]]]],
        [
            "resourceType": "ImagingStudy", "status": "available", "subject": ["reference": "Patient/p1"],
            "series": [
                [
                    "uid": "1.2.3", "modality": ["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"],
                    "instance": [["uid": "1.2.3.4", "sopClass": ["code": "1.2.840.10008.5.1.4.1.1.4"]]],
                ]
            ],
        ],
        [
            "resourceType": "MedicationStatement", "status": "active", "medicationCodeableConcept": ["text": "salbutamol"],
            "subject": ["reference": "Patient/p1"], "dosage": [["text": "2 puffs", "doseAndRate": [["doseQuantity": ["value": 2]]]]],
        ],
        ["resourceType": "Patient", "birthDate": "1970", "_birthDate": ["extension": [["url": "urn:x", "valueString": "approx"]]]],
    ]

    @Test(arguments: valid)
    func acceptsValidResources(_ resource: JSON) {
        #expect(FHIRValidator.validate(resource) == [])
    }

    @Test func reportsUnknownElementsWithTheirPath() {
        let issues = FHIRValidator.validate(["resourceType": "Patient", "name": [["family": "Doe", "nickname": "J"]], "shoeSize": 42])
        #expect(Set(issues.compactMap(\.expression)) == ["Patient.name[0].nickname", "Patient.shoeSize"])
    }

    @Test func reportsMissingRequiredElements() {
        let issues = FHIRValidator.validate(["resourceType": "Observation", "code": ["text": "x"]])
        #expect(issues.map(\.expression) == ["Observation.status"])
        #expect(issues.first?.type == "required")
    }

    @Test func reportsMissingRequiredElementsInNameOrderEveryTime() {
        // Found by fuzzing: the order followed the hash seed of a dictionary built per call.
        let empty: JSON = ["resourceType": "Immunization"]
        let expected = ["Immunization.patient", "Immunization.status", "Immunization.vaccineCode", "Immunization.occurrence[x]"]
        for _ in 0..<50 {
            #expect(FHIRValidator.validate(empty).map(\.expression) == expected)
        }
    }

    @Test func reportsAMissingRequiredChoice() {
        let issues = FHIRValidator.validate([
            "resourceType": "Immunization", "status": "completed", "vaccineCode": ["text": "x"], "patient": ["reference": "Patient/p"],
        ])
        #expect(issues.map(\.expression) == ["Immunization.occurrence[x]"])
    }

    @Test func refusesTwoMembersOfAChoice() {
        let issues = FHIRValidator.validate([
            "resourceType": "Observation", "status": "final", "code": ["text": "x"], "valueString": "a", "valueBoolean": true,
        ])
        #expect(issues.count == 1)
    }

    @Test func enforcesRequiredBindings() {
        let issues = FHIRValidator.validate(["resourceType": "Observation", "status": "done", "code": ["text": "x"]])
        #expect(issues.first?.type == "code-invalid")
        #expect(FHIRValidator.validate(["resourceType": "Patient", "gender": "f"]).count == 1)
    }

    static let wrongTypes: [(String, String)] = [
        (#"{"resourceType": "Patient", "birthDate": "1970-02-03T10:00:00Z"}"#, "Patient.birthDate"),
        (#"{"resourceType": "Patient", "active": "yes"}"#, "Patient.active"),
        (#"{"resourceType": "Patient", "id": "no spaces"}"#, "Patient.id"),
        (#"{"resourceType": "Patient", "name": {"family": "Doe"}}"#, "Patient.name"),
        (#"{"resourceType": "Patient", "gender": ["female"]}"#, "Patient.gender"),
        (#"{"resourceType": "Patient", "name": []}"#, "Patient.name"),
        (#"{"resourceType": "Patient", "name": [{}]}"#, "Patient.name[0]"),
        (#"{"resourceType": "Patient", "name": [{"family": ""}]}"#, "Patient.name[0].family"),
        (#"{"resourceType": "Patient", "multipleBirthInteger": 1.5}"#, "Patient.multipleBirthInteger"),
        (#"{"resourceType": "Patient", "active": null}"#, "Patient.active"),
        (#"{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "issued": "2026-03-01"}"#, "Observation.issued"),
        (
            #"{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueQuantity": {"value": "72"}}"#,
            "Observation.valueQuantity.value"
        ),
        (#"{"resourceType": "Group", "type": "person", "actual": true, "quantity": -1}"#, "Group.quantity"),
        (#"{"resourceType": "Location", "hoursOfOperation": [{"openingTime": "8:00"}]}"#, "Location.hoursOfOperation[0].openingTime"),
    ]

    @Test(arguments: wrongTypes)
    func reportsWrongTypesWithTheirPath(_ text: String, _ path: String) throws {
        #expect(FHIRValidator.validate(try JSON.parse(text)).map(\.expression) == [path])
    }

    @Test(arguments: ["Ann\u{0}", "Ann\u{1B}[31m", "A\u{7}nn"])
    func refusesControlCharactersInStrings(_ family: String) {
        let issues = FHIRValidator.validate(["resourceType": "Patient", "name": [["family": .string(family)]], "gender": "male"])
        #expect(issues.map(\.expression) == ["Patient.name[0].family"])
        #expect(issues.first?.diagnostics.contains("control character") == true)
        let code = FHIRValidator.validate(["resourceType": "Patient", "gender": .string("male\u{0}")])
        #expect(code.map(\.expression) == ["Patient.gender"])
    }

    @Test func keepsTabsAndLineBreaksInStrings() {
        #expect(
            FHIRValidator.validate(["resourceType": "Condition", "subject": ["reference": "Patient/p"], "note": [["text": "line 1\r\nline\t2"]]])
                .isEmpty)
    }

    @Test func refusesWhatIsNotAnR4ResourceOrNotTheEndpointsType() {
        #expect(FHIRValidator.validate(["resourceType": "Spaceship"]).first?.type == "not-supported")
        #expect(FHIRValidator.validate(["resourceType": "Patient"], as: "Observation").count == 1)
        #expect(FHIRValidator.validate("Patient").count == 1)
    }

    /// A MedicationRequest naming its medication in a contained Medication, as EHRs send it.
    private static func requestWith(contained: JSON, reference: String = "#med") -> JSON {
        [
            "resourceType": "MedicationRequest", "status": "active", "intent": "order", "subject": ["reference": "Patient/p"],
            "medicationReference": ["reference": .string(reference)], "contained": contained,
        ]
    }

    @Test func containedResourcesAreValidatedAsTheirOwnType() {
        let medication: JSON = ["resourceType": "Medication", "id": "med", "code": ["text": "amoxicillin 500 mg"]]
        #expect(FHIRValidator.validate(Self.requestWith(contained: [medication])) == [])
        let wrong: JSON = ["resourceType": "Medication", "id": "med", "status": "taken"]
        #expect(FHIRValidator.validate(Self.requestWith(contained: [wrong])).map(\.expression) == ["MedicationRequest.contained[0].status"])
    }

    @Test func containedResourcesFollowR4sRules() {
        let medication: JSON = ["resourceType": "Medication", "id": "med"]
        func problems(_ contained: JSON, reference: String = "#med") -> [String] {
            FHIRValidator.validate(Self.requestWith(contained: contained, reference: reference)).map(\.diagnostics)
        }
        #expect(problems([medication], reference: "#other").first?.contains("dom-3") == true)
        #expect(problems([["resourceType": "Medication"]]).first?.contains("needs an id") == true)
        #expect(problems([["resourceType": "Medication", "id": "med", "meta": ["versionId": "1"]]]).first?.contains("dom-4") == true)
        #expect(problems([["resourceType": "Medication", "id": "med", "contained": [medication]]]).contains { $0.contains("dom-2") })
        #expect(problems([["resourceType": "Spaceship", "id": "med"]]).first?.contains("not a FHIR R4 resource type") == true)
        #expect(problems([]).first?.contains("non-empty array") == true)
        // A contained resource may instead refer to its container.
        let provenance: JSON = [
            "resourceType": "Provenance", "id": "prov", "target": [["reference": "#"]], "recorded": "2020-01-01T00:00:00Z",
            "agent": [["who": ["display": "Dr A"]]],
        ]
        #expect(problems([medication, provenance]).isEmpty)
    }

    @Test func requiredBindingsComeFromTheR4Definitions() {
        let encounter: JSON = ["resourceType": "Encounter", "status": "finished", "class": ["code": "AMB"]]
        #expect(FHIRValidator.validate(encounter) == [])
        var done = encounter.objectValue!
        done["status"] = "done"
        #expect(FHIRValidator.validate(.object(done)).first?.type == "code-invalid")
        // A short description with glosses ("billing - purpose of this address") still gives its codes.
        #expect(FHIRValidator.validate(["resourceType": "Patient", "address": [["use": "billing"]]]) == [])
        #expect(FHIRValidator.validate(["resourceType": "Patient", "address": [["use": "purpose"]]]).count == 1)
    }

    @Test func base64MayBeFoldedOverLines() {
        let photo: JSON = ["resourceType": "Patient", "photo": [["contentType": "image/png", "data": "iVBORw0K\r\nGgoAAAAN SUhEUg=="]]]
        #expect(FHIRValidator.validate(photo) == [])
        #expect(FHIRValidator.validate(["resourceType": "Patient", "photo": [["data": "not*base64"]]]).count == 1)
    }

    @Test func everyTypeIsInTheSchema() {
        for type in FHIRResourceType.allCases {
            #expect(FHIRSchema.elements(ofResource: type.rawValue) != nil, "\(type)")
        }
    }
}

extension FHIRValidatorTests {
    @Test func aResourceWithOnlyItsTypeIsValid() {
        #expect(FHIRValidator.validate(["resourceType": "Practitioner"]) == [])
        #expect(FHIRValidator.validate(["resourceType": "Observation"]).count == 2)
    }
}

public import VigilCore

/// One example of every stored FHIR type, on one patient: the shapes a clinician's system sends.
public enum FHIRExamples {
    public static func all(patient: String) -> [JSON] {
        let subject: JSON = ["reference": .string("Patient/\(patient)")]
        return [
            [
                "resourceType": "Patient", "identifier": [["system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"]], "active": true,
                "name": [["use": "official", "family": "Chalmers", "given": ["Peter", "James"]]],
                "telecom": [["system": "phone", "value": "(03) 5555 6473", "use": "work"]],
                "gender": "male", "birthDate": "1974-12-25",
                "address": [["line": ["534 Erewhon St"], "city": "PleasantVille", "postalCode": "3999"]],
            ],
            ["resourceType": "Practitioner", "name": [["family": "Careful", "prefix": ["Dr"]]], "qualification": [["code": ["text": "MD"]]]],
            ["resourceType": "RelatedPerson", "patient": subject, "name": [["family": "Parent"]]],
            [
                "resourceType": "Location", "name": "Ward 3", "status": "active", "mode": "instance",
                "position": ["longitude": .number("-83.69"), "latitude": .number("42.25")],
            ],
            [
                "resourceType": "Device", "status": "active", "deviceName": [["name": "Pulse oximeter", "type": "user-friendly-name"]],
                "manufacturer": "Acme",
            ],
            [
                "resourceType": "Group", "type": "person", "actual": true, "name": "Class 4B",
                "member": [["entity": subject, "period": ["start": "2026-09-01"]]],
            ],
            [
                "resourceType": "CareTeam", "status": "active", "name": "Diabetes team", "subject": subject,
                "participant": [["role": [["text": "school nurse"]], "member": ["identifier": ["system": "urn:example:staff", "value": "x"], "display": "A. Nurse"], "period": ["start": "2026-01-01"]]],
            ],
            [
                "resourceType": "Observation", "status": "final",
                "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"]]]],
                "code": ["coding": [["system": "http://loinc.org", "code": "85354-9"]]], "subject": subject,
                "effectiveDateTime": "2026-03-01T08:00:00Z",
                "component": [
                    [
                        "code": ["coding": [["system": "http://loinc.org", "code": "8480-6"]]],
                        "valueQuantity": ["value": 107, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"],
                    ]
                ],
            ],
            [
                "resourceType": "Condition", "subject": subject,
                "code": ["coding": [["system": "http://snomed.info/sct", "code": "195967001", "display": "Asthma"]]],
                "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                "onsetAge": ["value": 4, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"],
            ],
            [
                "resourceType": "Immunization", "status": "completed",
                "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]],
                "patient": subject, "occurrenceDateTime": "2025-10-01", "protocolApplied": [["doseNumberPositiveInt": 1]],
            ],
            [
                "resourceType": "DiagnosticReport", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": "4548-4"]]],
                "subject": subject,
                "effectiveDateTime": "2026-02-20", "issued": "2026-02-21T10:00:00Z", "conclusion": "HbA1c 7.1 %",
            ],
            [
                "resourceType": "ImagingStudy", "status": "available", "subject": subject, "started": "2026-02-10T09:00:00Z",
                "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"]], "description": "Chest CT",
                "numberOfSeries": 1,
                "series": [
                    [
                        "uid": "2.16.124.113543.6003.2588828330.45298.17418.2723805630",
                        "modality": ["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"],
                        "instance": [
                            [
                                "uid": "2.16.124.113543.6003.189642796.63084.16748.2599092903",
                                "sopClass": ["system": "urn:ietf:rfc:3986", "code": "urn:oid:1.2.840.10008.5.1.4.1.1.2"],
                            ]
                        ],
                    ]
                ],
            ],
            [
                "resourceType": "MedicationStatement", "status": "active", "subject": subject,
                "medicationCodeableConcept": ["text": "salbutamol inhaler"],
                "effectivePeriod": ["start": "2026-01-01"], "dosage": [["text": "2 puffs when needed", "asNeededBoolean": true]],
            ],
            [
                "resourceType": "Procedure", "status": "completed", "subject": subject, "code": ["text": "Nebulisation"],
                "performedPeriod": ["start": "2026-03-01T07:30:00Z", "end": "2026-03-01T07:45:00Z"],
            ],
            [
                "resourceType": "CarePlan", "status": "active", "intent": "plan", "subject": subject, "title": "Asthma action plan",
                "activity": [
                    [
                        "detail": [
                            "status": "scheduled", "description": "Peak flow twice daily",
                            "scheduledTiming": ["repeat": ["frequency": 2, "period": 1, "periodUnit": "d"]],
                        ]
                    ]
                ],
            ],
        ]
    }
}

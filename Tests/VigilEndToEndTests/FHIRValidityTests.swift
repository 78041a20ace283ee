import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
import VigilCore

/// Feeds what the server answers (every resource type, searches, transactions, errors, the
/// CapabilityStatement) to the FHIR R4 models of Python's `fhir.resources`; any validation error
/// fails the test.
@Suite(.serialized, .timeLimit(.minutes(5))) struct FHIRValidityTests {
    static let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Python/validate_fhir.py").path

    @Test func everyResponseIsValidFHIRR4() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let (patient, device) = try await EndToEndTests.seed(server, admin: admin)
        _ = try await server.request(.POST, "/api/ingest", token: device, json: EndToEndTests.readings(1...5))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fhir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var saved = 0
        func save(_ name: String, _ reply: ServerProcess.Reply) throws {
            #expect(reply.json?["resourceType"] != nil, "\(name): \(reply.text)")
            try reply.text.write(to: output.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
            saved += 1
        }
        try save("metadata", try await server.request(.GET, "/fhir/metadata"))
        for (i, example) in Examples.all(patient: patient).enumerated() {
            let type = example["resourceType"]!.stringValue!
            let created = try await server.request(.POST, "/fhir/\(type)", token: admin, json: example)
            #expect(created.status == .created, "\(type): \(created.text)")
            try save("created-\(i)-\(type)", created)
            let id = created.json?["id"]?.stringValue ?? ""
            try save("read-\(i)-\(type)", try await server.request(.GET, "/fhir/\(type)/\(id)", token: admin))
            try save("search-\(i)-\(type)", try await server.request(.GET, "/fhir/\(type)?_id=\(id)&_total=accurate", token: admin))
        }
        try save("search-readings", try await server.request(.GET, "/fhir/Observation?patient=\(patient)&_count=2", token: admin))
        try save("transaction", try await server.request(.POST, "/fhir", token: admin, json: [
            "resourceType": "Bundle", "type": "transaction", "entry": [
                ["fullUrl": "urn:uuid:x1", "resource": ["resourceType": "Patient", "name": [["family": "Tx"]]], "request": ["method": "POST", "url": "Patient"]],
                ["resource": ["resourceType": "Condition", "subject": ["reference": "urn:uuid:x1"], "code": ["text": "fever"]], "request": ["method": "POST", "url": "Condition"]],
            ],
        ]))
        try save("error-400", try await server.request(.POST, "/fhir/Patient", token: admin, json: ["resourceType": "Patient", "gender": "x"]))
        try save("error-401", try await server.request(.GET, "/fhir/Patient"))
        try save("error-404", try await server.request(.GET, "/fhir/Patient/nobody", token: admin))
        try save("error-422", try await server.request(.POST, "/fhir/Condition", token: admin, json: ["resourceType": "Condition", "subject": ["reference": "Patient/nobody"]]))
        #expect(saved > 40)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.validator, output.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
        #expect(report.contains("\(saved) documents, 0 invalid"), "\(report)")
    }
}

/// One example of every stored type (the same shapes a clinician's system would send).
enum Examples {
    static func all(patient: String) -> [JSON] {
        let subject: JSON = ["reference": .string("Patient/\(patient)")]
        return [
            ["resourceType": "Patient", "identifier": [["system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"]], "active": true,
             "name": [["use": "official", "family": "Chalmers", "given": ["Peter", "James"]]], "telecom": [["system": "phone", "value": "(03) 5555 6473", "use": "work"]],
             "gender": "male", "birthDate": "1974-12-25", "address": [["line": ["534 Erewhon St"], "city": "PleasantVille", "postalCode": "3999"]]],
            ["resourceType": "Practitioner", "name": [["family": "Careful", "prefix": ["Dr"]]], "qualification": [["code": ["text": "MD"]]]],
            ["resourceType": "RelatedPerson", "patient": subject, "name": [["family": "Parent"]]],
            ["resourceType": "Location", "name": "Ward 3", "status": "active", "mode": "instance", "position": ["longitude": .number("-83.69"), "latitude": .number("42.25")]],
            ["resourceType": "Device", "status": "active", "deviceName": [["name": "Pulse oximeter", "type": "user-friendly-name"]], "manufacturer": "Acme"],
            ["resourceType": "Group", "type": "person", "actual": true, "name": "Class 4B", "member": [["entity": subject, "period": ["start": "2026-09-01"]]]],
            ["resourceType": "CareTeam", "status": "active", "name": "Diabetes team", "subject": subject,
             "participant": [["role": [["text": "school nurse"]], "member": ["reference": "Practitioner/x"], "period": ["start": "2026-01-01"]]]],
            ["resourceType": "Observation", "status": "final",
             "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"]]]],
             "code": ["coding": [["system": "http://loinc.org", "code": "85354-9"]]], "subject": subject, "effectiveDateTime": "2026-03-01T08:00:00Z",
             "component": [["code": ["coding": [["system": "http://loinc.org", "code": "8480-6"]]],
                            "valueQuantity": ["value": 107, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"]]]],
            ["resourceType": "Condition", "subject": subject, "code": ["coding": [["system": "http://snomed.info/sct", "code": "195967001", "display": "Asthma"]]],
             "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]], "onsetAge": ["value": 4, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"]],
            ["resourceType": "Immunization", "status": "completed", "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]],
             "patient": subject, "occurrenceDateTime": "2025-10-01", "protocolApplied": [["doseNumberPositiveInt": 1]]],
            ["resourceType": "DiagnosticReport", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": "4548-4"]]], "subject": subject,
             "effectiveDateTime": "2026-02-20", "issued": "2026-02-21T10:00:00Z", "conclusion": "HbA1c 7.1 %"],
            ["resourceType": "ImagingStudy", "status": "available", "subject": subject, "started": "2026-02-10T09:00:00Z",
             "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"]], "description": "Chest CT", "numberOfSeries": 1,
             "series": [["uid": "2.16.124.113543.6003.2588828330.45298.17418.2723805630", "modality": ["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"],
                         "instance": [["uid": "2.16.124.113543.6003.189642796.63084.16748.2599092903", "sopClass": ["system": "urn:ietf:rfc:3986", "code": "urn:oid:1.2.840.10008.5.1.4.1.1.2"]]]]]],
            ["resourceType": "MedicationStatement", "status": "active", "subject": subject, "medicationCodeableConcept": ["text": "salbutamol inhaler"],
             "effectivePeriod": ["start": "2026-01-01"], "dosage": [["text": "2 puffs when needed", "asNeededBoolean": true]]],
            ["resourceType": "Procedure", "status": "completed", "subject": subject, "code": ["text": "Nebulisation"], "performedPeriod": ["start": "2026-03-01T07:30:00Z", "end": "2026-03-01T07:45:00Z"]],
            ["resourceType": "CarePlan", "status": "active", "intent": "plan", "subject": subject, "title": "Asthma action plan",
             "activity": [["detail": ["status": "scheduled", "description": "Peak flow twice daily", "scheduledTiming": ["repeat": ["frequency": 2, "period": 1, "periodUnit": "d"]]]]]],
        ]
    }
}

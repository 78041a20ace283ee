import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

@Suite struct FHIRTransactionTests {
    @Test func createsEverythingAndRewritesInternalReferences() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let bundle: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": [
                    [
                        "fullUrl": "urn:uuid:a1", "resource": ["resourceType": "Patient", "name": [["family": "New"]]],
                        "request": ["method": "POST", "url": "Patient"],
                    ],
                    [
                        "resource": ["resourceType": "Condition", "subject": ["reference": "urn:uuid:a1"], "code": ["text": "asthma"]],
                        "request": ["method": "POST", "url": "Condition"],
                    ],
                    [
                        "resource": ["resourceType": "Device", "id": "dx", "status": "active", "patient": ["reference": "urn:uuid:a1"]],
                        "request": ["method": "PUT", "url": "Device/dx"],
                    ],
                ],
            ]
            let reply = try await client.post("/fhir", token: admin, bundle)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json?["type"] == "transaction-response")
            let entries = reply.json?["entry"]?.arrayValue ?? []
            #expect(entries.compactMap { $0["response"]?["status"]?.stringValue } == ["201 Created", "201 Created", "201 Created"])
            let patientID = try #require(entries[0]["resource"]?["id"]?.stringValue)
            #expect(entries[1]["resource"]?["subject"]?["reference"]?.stringValue == "Patient/\(patientID)")
            let conditions = try await client.get("/fhir/Condition?patient=\(patientID)", token: admin)
            #expect(conditions.json?["entry"]?.arrayValue?.count == 1)
            #expect(try await client.get("/fhir/Device?patient=\(patientID)", token: admin).json?["entry"]?.arrayValue?.count == 1)
        }
    }

    @Test func oneBadEntryStoresNothing() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let bundle: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": [
                    ["resource": ["resourceType": "Patient", "name": [["family": "Kept?"]]], "request": ["method": "POST", "url": "Patient"]],
                    [
                        "resource": ["resourceType": "Observation", "status": "bogus", "code": ["text": "x"]],
                        "request": ["method": "POST", "url": "Observation"],
                    ],
                ],
            ]
            let reply = try await client.post("/fhir", token: admin, bundle)
            #expect(reply.status == .badRequest)
            #expect(reply.json?["issue"]?[0]?["expression"]?[0]?.stringValue?.hasPrefix("Bundle.entry[1]") == true)
            #expect(try await client.get("/fhir/Patient?family=Kept", token: admin).json?["entry"] == nil)
            let document = try await client.post("/fhir", token: admin, ["resourceType": "Bundle", "type": "document", "entry": []])
            #expect(document.status == .badRequest)
            let conditional = try await client.post(
                "/fhir", token: admin,
                [
                    "resourceType": "Bundle", "type": "transaction",
                    "entry": [["resource": ["resourceType": "Patient"], "request": ["method": "PUT", "url": "Patient?identifier=x"]]],
                ])
            #expect(conditional.status == .badRequest)
        }
    }

    @Test func aStaleIfMatchFailsTheWholeTransaction() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient"], id: "p1", token: admin)
            try await client.put(["resourceType": "Patient", "gender": "male"], id: "p1", token: admin)
            let reply = try await client.post(
                "/fhir", token: admin,
                [
                    "resourceType": "Bundle", "type": "transaction",
                    "entry": [
                        ["resource": ["resourceType": "Practitioner", "id": "x1"], "request": ["method": "PUT", "url": "Practitioner/x1"]],
                        [
                            "resource": ["resourceType": "Patient", "id": "p1", "gender": "female"],
                            "request": ["method": "PUT", "url": "Patient/p1", "ifMatch": #"W/"1""#],
                        ],
                    ],
                ])
            #expect(reply.status == .preconditionFailed)
            #expect(try await client.get("/fhir/Practitioner/x1", token: admin).status == .notFound)
            #expect(try await client.get("/fhir/Patient/p1", token: admin).json?["gender"] == "male")
        }
    }

    @Test func referencesToNothingAreRefusedWithEveryProblemOfEveryEntry() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient"], id: "p1", token: admin)
            let bundle: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": [
                    [
                        "resource": [
                            "resourceType": "Encounter", "status": "finished", "class": ["code": "AMB"], "subject": ["reference": "Patient/p1"],
                            "participant": [["individual": ["reference": "Practitioner/nobody"]]],
                            "serviceProvider": ["reference": "urn:uuid:not-in-this-bundle"],
                        ],
                        "request": ["method": "POST", "url": "Encounter"],
                    ],
                    [
                        "resource": ["resourceType": "Observation", "status": "bogus", "code": ["text": "x"]],
                        "request": ["method": "POST", "url": "Observation"],
                    ],
                    [
                        "resource": [
                            "resourceType": "MedicationRequest", "status": "active", "intent": "order", "subject": ["reference": "Patient/p1"],
                            "medicationReference": ["reference": "#med"], "reasonReference": [["reference": "#gone"]],
                            "contained": [["resourceType": "Medication", "id": "med"]],
                        ],
                        "request": ["method": "POST", "url": "MedicationRequest"],
                    ],
                ],
            ]
            let reply = try await client.post("/fhir", token: admin, bundle)
            #expect(reply.status == .badRequest, "\(reply.text)")
            let expressions = (reply.json?["issue"]?.arrayValue ?? []).compactMap { $0["expression"]?[0]?.stringValue }
            #expect(expressions.contains("Bundle.entry[0].resource.participant[0].individual"), "\(expressions)")
            #expect(expressions.contains("Bundle.entry[0].resource.serviceProvider"), "\(expressions)")
            #expect(expressions.contains("Bundle.entry[1].resource.status"), "\(expressions)")
            #expect(expressions.contains("Bundle.entry[2].resource.reasonReference[0]"), "\(expressions)")
            #expect(try await client.get("/fhir/Encounter", token: admin).json?["entry"] == nil)
        }
    }

    @Test func aSingleWriteReferencingNothingIsRefused() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient"], id: "p1", token: admin)
            let reply = try await client.post(
                "/fhir/Encounter", token: admin,
                [
                    "resourceType": "Encounter", "status": "finished", "class": ["code": "AMB"], "subject": ["reference": "Patient/p1"],
                    "serviceProvider": ["reference": "Organization/nowhere"],
                ])
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(reply.json?["issue"]?[0]?["expression"]?[0] == "Encounter.serviceProvider")
            // Another server's resource and a reference by identifier alone are not this server's to check.
            let outside = try await client.post(
                "/fhir/Encounter", token: admin,
                [
                    "resourceType": "Encounter", "status": "finished", "class": ["code": "AMB"], "subject": ["reference": "Patient/p1"],
                    "serviceProvider": ["reference": "https://other.example/fhir/Organization/o1"],
                    "participant": [["individual": ["identifier": ["system": "urn:npi", "value": "123"]]]],
                ])
            #expect(outside.status == .created, "\(outside.text)")
        }
    }

    /// EHR feeds refer to what they know by identifier: `Patient?identifier=…` is the one patient
    /// it matches; none, or several, fail the transaction with the place of the reference.
    @Test func conditionalReferencesResolveToTheOneMatch() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient", "identifier": [["system": "urn:mrn", "value": "C1"]]], id: "pc1", token: admin)
            for id in ["tw1", "tw2"] {
                try await client.put(["resourceType": "Practitioner", "identifier": [["system": "urn:twin", "value": "T"]]], id: id, token: admin)
            }
            func bundle(_ reference: String, asserter: String? = nil) -> JSON {
                var condition: JSONObject = ["resourceType": "Condition", "subject": ["reference": .string(reference)], "code": ["text": "asthma"]]
                if let asserter { condition["asserter"] = ["reference": .string(asserter)] }
                return [
                    "resourceType": "Bundle", "type": "transaction",
                    "entry": [["request": ["method": "POST", "url": "Condition"], "resource": .object(condition)]],
                ]
            }
            let resolved = try await client.post("/fhir", token: admin, bundle("Patient?identifier=urn:mrn|C1"))
            #expect(resolved.status == .ok, "\(resolved.text)")
            let location = try #require(resolved.json?["entry"]?[0]?["response"]?["location"]?.stringValue)
            let condition = try await client.get("/fhir/" + location.split(separator: "/").prefix(2).joined(separator: "/"), token: admin)
            #expect(condition.json?["subject"]?["reference"] == "Patient/pc1", "\(condition.text)")
            let none = try await client.post("/fhir", token: admin, bundle("Patient?identifier=urn:mrn|nobody"))
            #expect(none.status == .unprocessableContent && none.text.contains("Bundle.entry[0].resource.subject"), "\(none.text)")
            let several = try await client.post("/fhir", token: admin, bundle("Patient/pc1", asserter: "Practitioner?identifier=urn:twin|T"))
            #expect(several.status == .preconditionFailed, "\(several.text)")
        }
    }
}

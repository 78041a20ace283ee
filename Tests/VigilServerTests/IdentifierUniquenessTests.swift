import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// HL7 v2 finds a patient by PID-3 and a device by OBX-18 among identifiers: a second resource
/// with the same identifier would break that matching, so a write that would make one is refused.
@Suite struct IdentifierUniquenessTests {
    static func patient(_ id: String, _ identifiers: [(String, String)]) -> JSON {
        [
            "resourceType": "Patient", "id": .string(id), "birthDate": "1960-01-01",
            "identifier": .array(identifiers.map { ["system": .string($0.0), "value": .string($0.1)] }),
        ]
    }

    @Test func aCareRoleCannotCopyAnotherWardsMRNOntoHerPatient() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            #expect(try await client.put("/fhir/Patient/p2", token: world.admin, Self.patient("p2", [("urn:mrn", "MRN-2")])).status == .ok)
            let copied = try await client.put("/fhir/Patient/p1", token: world["nina"], Self.patient("p1", [("urn:mrn", "MRN-2")]))
            #expect(copied.status == .conflict)
            #expect(copied.text.contains("urn:mrn|MRN-2"))
            // the same value under another system still breaks HL7 matching, which reads values only
            let otherSystem = try await client.put("/fhir/Patient/p1", token: world["nina"], Self.patient("p1", [("urn:other", "MRN-2")]))
            #expect(otherSystem.status == .conflict)
            #expect(try await client.get("/fhir/Patient/p1", token: world["nina"]).json?["identifier"] == nil)
            #expect(try await client.put("/fhir/Patient/p1", token: world["nina"], Self.patient("p1", [("urn:mrn", "MRN-1")])).status == .ok)
            // keeping one's own identifier is no conflict
            #expect(try await client.put("/fhir/Patient/p2", token: world["nora"], Self.patient("p2", [("urn:mrn", "MRN-2")])).status == .ok)
        }
    }

    @Test func noOneCreatesASecondResourceWithTheSameIdentifier() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            #expect(try await client.put("/fhir/Patient/a", token: admin, Self.patient("a", [("urn:mrn", "7")])).status == .created)
            #expect(try await client.post("/fhir/Patient", token: admin, Self.patient("b", [("urn:mrn", "7")])).status == .conflict)
            // an administrator may hold the same value in two systems (two hospitals' numbers)
            #expect(try await client.put("/fhir/Patient/b", token: admin, Self.patient("b", [("urn:other", "7")])).status == .created)
            let device: JSON = ["resourceType": "Device", "identifier": [["system": "urn:eui64", "value": "0800"]]]
            #expect(try await client.post("/fhir/Device", token: admin, device).status == .created)
            #expect(try await client.post("/fhir/Device", token: admin, device).status == .conflict)
            let twice: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": .array(
                    ["c", "d"].map { id in
                        ["resource": Self.patient(id, [("urn:mrn", "8")]), "request": ["method": "PUT", "url": .string("Patient/\(id)")]]
                    }),
            ]
            #expect(try await client.post("/fhir", token: admin, twice).status == .conflict)
            #expect(try await client.get("/fhir/Patient/c", token: admin).status == .notFound)
        }
    }
}

import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// DELETE is logical: the resource gets a new version marked deleted, reads answer 410 Gone, its
/// history stays readable, searches leave it out, and it is audited. Device readings are never
/// erased, and a resource others still reference is not deleted from under them.
@Suite struct FHIRDeleteTests {
    @Test func aDeleteIsAVersionThatReadsAsGoneAndIsAudited() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Practitioner", "name": [["family": "Gone"]]], id: "x", token: admin)
            let deleted = try await client.request(.delete, "/fhir/Practitioner/x", token: admin)
            #expect(deleted.status == .noContent, "\(deleted.text)")
            let read = try await client.get("/fhir/Practitioner/x", token: admin)
            #expect(read.status == .gone && read.isOperationOutcome, "\(read.status) \(read.text)")
            #expect(try await client.get("/fhir/Practitioner/x/_history/1", token: admin).json?["name"]?[0]?["family"] == "Gone")
            #expect(try await client.get("/fhir/Practitioner/x/_history/2", token: admin).status == .gone)
            #expect(try await client.get("/fhir/Practitioner?_id=x", token: admin).json?["entry"] == nil)
            #expect(try await client.get("/fhir/Practitioner", token: admin).json?["entry"] == nil)
            // Deleting what is already deleted changes nothing; a PUT brings it back as a new version.
            #expect(try await client.request(.delete, "/fhir/Practitioner/x", token: admin).status == .noContent)
            let back = try await client.put("/fhir/Practitioner/x", token: admin, ["resourceType": "Practitioner", "id": "x"])
            #expect(back.status == .created && back.json?["meta"]?["versionId"] == "3", "\(back.text)")
            #expect(try await client.request(.delete, "/fhir/Practitioner/nobody", token: admin).status == .notFound)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 10_000).map(\.event)
            #expect(audit.filter { $0.action == .delete && $0.resource == "Practitioner/x" }.count == 1)
        }
    }

    @Test func whatIsReferencedOrADeviceReadingIsNotDeleted() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let condition = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"]], token: world.admin)
            let referenced = try await client.request(.delete, "/fhir/Patient/p1", token: world.admin)
            #expect(referenced.status == .conflict && referenced.text.contains("Condition/\(condition)"), "\(referenced.text)")
            #expect(try await client.get("/fhir/Patient/p1", token: world.admin).status == .ok)
            let reply = try await client.ingest(client.vitals(from: 1), token: world.devices["d1"])
            #expect(reply.status == .ok)
            let reading = try #require(
                try await client.get("/fhir/Observation?patient=p1&_count=1", token: world.admin).json?["entry"]?[0]?["resource"]?["id"]?.stringValue)
            let erase = try await client.request(.delete, "/fhir/Observation/\(reading)", token: world.admin)
            #expect(erase.status == .methodNotAllowed && erase.text.contains("entered-in-error"), "\(erase.text)")
        }
    }

    @Test func careRolesDeleteOnlyTheClinicalRecordOfTheirPatients() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let mine = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"]], token: world.admin)
            let theirs = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["text": "gout"]], token: world.admin)
            #expect(try await client.request(.delete, "/fhir/Condition/\(theirs)", token: world["nina"]).status == .notFound)
            #expect(try await client.request(.delete, "/fhir/Practitioner/n2", token: world["nina"]).status == .forbidden)
            #expect(try await client.request(.delete, "/fhir/Condition/\(mine)", token: world["nina"]).status == .noContent)
            #expect(try await client.get("/fhir/Condition/\(theirs)", token: world.admin).status == .ok)
        }
    }
}

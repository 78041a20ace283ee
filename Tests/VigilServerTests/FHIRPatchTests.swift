import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// PATCH with a JSON Patch or a JSON Merge Patch (fhirpy's): a new version of exactly the version
/// patched, validated like any update, within the same access rules.
@Suite struct FHIRPatchTests {
    static let jsonPatch: HTTPFields = [.contentType: "application/json-patch+json"]

    @Test func aJSONPatchOrAMergePatchMakesANewVersion() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient", "name": [["family": "Patch"]], "gender": "female"], id: "pp", token: admin)
            let patched = try await client.request(
                .patch, "/fhir/Patient/pp", token: admin,
                body: #"[{"op":"replace","path":"/gender","value":"male"},{"op":"add","path":"/name/0/given","value":["Ann"]}]"#,
                headers: Self.jsonPatch)
            #expect(patched.status == .ok && patched.json?["gender"] == "male" && patched.json?["meta"]?["versionId"] == "2", "\(patched.text)")
            #expect(patched.json?["name"]?[0]?["given"]?[0] == "Ann")
            let merged = try await client.request(.patch, "/fhir/Patient/pp", token: admin, json: ["birthDate": "1980-01-01", "gender": nil])
            #expect(merged.status == .ok && merged.json?["birthDate"] == "1980-01-01" && merged.json?["gender"] == nil, "\(merged.text)")
            // Checked like an update; a failed test, a stale If-Match or a changed id changes nothing.
            let invalid = try await client.request(.patch, "/fhir/Patient/pp", token: admin, json: ["gender": "sometimes"])
            #expect(invalid.status == .badRequest, "\(invalid.text)")
            let test = try await client.request(
                .patch, "/fhir/Patient/pp", token: admin, body: #"[{"op":"test","path":"/birthDate","value":"1990-01-01"}]"#, headers: Self.jsonPatch)
            #expect(test.status == .preconditionFailed)
            var stale = Self.jsonPatch
            stale[.ifMatch] = #"W/"1""#
            let old = try await client.request(
                .patch, "/fhir/Patient/pp", token: admin, body: #"[{"op":"remove","path":"/birthDate"}]"#, headers: stale)
            #expect(old.status == .preconditionFailed)
            let renamed = try await client.request(.patch, "/fhir/Patient/pp", token: admin, json: ["id": "other"])
            #expect(renamed.status == .badRequest)
            #expect(try await client.get("/fhir/Patient/pp", token: admin).json?["meta"]?["versionId"] == "3")
        }
    }

    @Test func aCareRolePatchesOnlyWhatItMayUpdate() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let theirs = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["text": "gout"]], token: world.admin)
            #expect(
                try await client.request(.patch, "/fhir/Condition/\(theirs)", token: world["nina"], json: ["code": ["text": "x"]]).status == .notFound
            )
            #expect(try await client.request(.patch, "/fhir/Practitioner/n2", token: world["nina"], json: ["active": true]).status == .forbidden)
            #expect(try await client.request(.patch, "/fhir/Patient/p1", token: world["nina"], json: ["gender": "other"]).status == .ok)
        }
    }
}

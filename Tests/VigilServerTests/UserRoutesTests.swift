import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

@Suite struct UserRoutesTests {
    @Test func adminsCreateListAndChangeAccounts() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Practitioner", "name": [["family": "N"]]], id: "n1", token: admin)
            let created = try await client.post(
                "/api/users", token: admin, ["username": "nina", "password": "long-enough-password", "role": "nurse", "fhirUser": "Practitioner/n1"])
            #expect(created.status == .created)
            #expect(created.json?["fhirUser"] == "Practitioner/n1")
            #expect(created.json?["password"] == nil && !created.text.contains("$2"))
            let list = try await client.get("/api/users", token: admin)
            #expect(list.json?["users"]?.arrayValue?.compactMap { $0["username"]?.stringValue } == ["admin", "nina"])
            let changed = try await client.request(.patch, "/api/users/nina", token: admin, json: ["role": "physician"])
            #expect(changed.json?["role"] == "physician")
            #expect(try await client.request(.patch, "/api/users/nobody", token: admin, json: ["disabled": true]).status == .notFound)
        }
    }

    @Test func theLastActiveAdministratorCannotBeDisabledOrDemoted() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            for change: JSON in [["disabled": true], ["role": "researcher"]] {
                let refused = try await client.request(.patch, "/api/users/admin", token: admin, json: change)
                #expect(refused.status == .conflict && refused.text.contains("last active administrator"), "\(refused.text)")
            }
            let second = try await client.user("second-admin", role: .admin, fhirUser: nil, admin: admin)
            #expect(try await client.request(.patch, "/api/users/admin", token: second, json: ["disabled": true]).status == .ok)
            let last = try await client.request(.patch, "/api/users/second-admin", token: second, json: ["role": "researcher"])
            #expect(last.status == .conflict)
        }
    }

    @Test func badAccountsAreRefusedWithTheReason() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let cases: [(JSON, Int)] = [
                (["username": "UPPER", "password": "long-enough-password", "role": "admin"], 400),
                (["username": "a", "password": "short", "role": "admin"], 400),
                (["username": "a", "password": "long-enough-password", "role": "king"], 400),
                (["username": "a", "password": "long-enough-password", "role": "nurse"], 400),
                (["username": "a", "password": "long-enough-password", "role": "nurse", "fhirUser": "Patient/x"], 400),
                (["username": "a", "password": "long-enough-password", "role": "nurse", "fhirUser": "Practitioner/missing"], 422),
                (["username": "admin", "password": "long-enough-password", "role": "admin"], 409),
            ]
            for (body, status) in cases {
                let reply = try await client.post("/api/users", token: admin, body)
                #expect(Int(reply.status.code) == status, "\(body.text): \(reply.text)")
                #expect(reply.isOperationOutcome)
            }
        }
    }

    @Test func onlyAdminsManageAccounts() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            for user in ["nina", "doc", "sally", "pat", "ph", "rita"] {
                #expect(try await client.get("/api/users", token: world[user]).status == .forbidden)
                #expect(
                    try await client.post("/api/users", token: world[user], ["username": "x", "password": "long-enough-password", "role": "admin"])
                        .status == .forbidden)
                #expect(try await client.request(.patch, "/api/users/admin", token: world[user], json: ["disabled": true]).status == .forbidden)
            }
            #expect(try await client.get("/api/users", token: world.devices["d1"]).status == .forbidden)
        }
    }
}

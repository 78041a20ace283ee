import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// A new password ends every token and dashboard session issued before it; so does disabling the
/// account, and enabling it again does not bring them back.
@Suite struct SignInGenerationTests {
    @Test func aPasswordChangeEndsTokensAndSessions() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let token = world["nina"]
            var browser = DashboardTests.Browser(client: client)
            _ = try await browser.signIn("nina", "password-of-nina")
            #expect(try await browser.send(.get, "/board").status == .ok)
            #expect(try await client.get("/fhir/Patient/p1", token: token).status == .ok)

            let changed = try await client.request(.patch, "/api/users/nina", token: world.admin, json: ["password": "a-new-password-of-nina"])
            #expect(changed.status == .ok)
            #expect(try await client.get("/fhir/Patient/p1", token: token).status == .unauthorized)
            #expect(try await browser.send(.get, "/board").status == .seeOther)
            let fresh = try await client.token("nina", "a-new-password-of-nina")
            #expect(try await client.get("/fhir/Patient/p1", token: fresh).status == .ok)
            // another account's change ends nothing of hers
            _ = try await client.request(.patch, "/api/users/nora", token: world.admin, json: ["password": "a-new-password-of-nora"])
            #expect(try await client.get("/fhir/Patient/p1", token: fresh).status == .ok)
        }
    }

    @Test func reEnablingAnAccountDoesNotReviveItsOldTokensOrSessions() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let token = world["nina"]
            var browser = DashboardTests.Browser(client: client)
            _ = try await browser.signIn("nina", "password-of-nina")
            #expect(try await client.request(.patch, "/api/users/nina", token: world.admin, json: ["disabled": true]).status == .ok)
            #expect(try await client.get("/fhir/Patient/p1", token: token).status == .unauthorized)
            #expect(try await client.request(.patch, "/api/users/nina", token: world.admin, json: ["disabled": false]).status == .ok)
            #expect(try await client.get("/fhir/Patient/p1", token: token).status == .unauthorized)
            #expect(try await browser.send(.get, "/board").status == .seeOther)
            let fresh = try await client.token("nina", "password-of-nina")
            #expect(try await client.get("/fhir/Patient/p1", token: fresh).status == .ok)
            // a role change is no reason to sign in again
            #expect(try await client.request(.patch, "/api/users/nina", token: world.admin, json: ["role": "physician"]).status == .ok)
            #expect(try await client.get("/fhir/Patient/p1", token: fresh).status == .ok)
        }
    }
}

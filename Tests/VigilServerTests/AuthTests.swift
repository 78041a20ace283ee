import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

@Suite struct AuthTests {
    @Test func signInIssuesAnExpiringBearerToken() async throws {
        try await Harness().run { client in
            let reply = try await client.post("/auth/token", token: nil, ["username": "admin", "password": .string(Harness.adminPassword)])
            #expect(reply.status == .ok)
            #expect(reply.json?["token_type"] == "Bearer")
            #expect(reply.json?["expires_in"] == 900)
            let token = try #require(reply.json?["access_token"]?.stringValue)
            #expect(try await client.get("/api/users", token: token).status == .ok)
            client.clock.advance(seconds: 899)
            #expect(try await client.get("/api/users", token: token).status == .ok)
            client.clock.advance(seconds: 1)
            let expired = try await client.get("/api/users", token: token)
            #expect(expired.status == .unauthorized && expired.isOperationOutcome)
        }
    }

    @Test func wrongPasswordsAndUnknownUsersGetTheSameAnswer() async throws {
        try await Harness().run { client in
            let wrong = try await client.post("/auth/token", token: nil, ["username": "admin", "password": "not-the-password"])
            let unknown = try await client.post("/auth/token", token: nil, ["username": "nobody", "password": "not-the-password"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.text == unknown.text)
            #expect(wrong.headers[.wwwAuthenticate] == #"Bearer realm="vigil""#)
            let malformed = try await client.post("/auth/token", token: nil, ["user": "admin"])
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func repeatedFailuresAreThrottled() async throws {
        try await Harness().run { client in
            for _ in 0..<SignInThrottle.maxPerUsernameAndAddress {
                #expect(
                    try await client.post("/auth/token", token: nil, ["username": "admin", "password": "guess-guess-guess"]).status == .unauthorized)
            }
            let throttled = try await client.post("/auth/token", token: nil, ["username": "admin", "password": .string(Harness.adminPassword)])
            #expect(throttled.status == .tooManyRequests)
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
            client.clock.advance(seconds: 15 * 60)
            #expect(
                try await client.post("/auth/token", token: nil, ["username": "admin", "password": .string(Harness.adminPassword)]).status == .ok)
        }
    }

    @Test func aDisabledAccountLosesAccessAtOnce() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let other = try await client.user("second-admin", role: .admin, fhirUser: nil, admin: admin)
            #expect(try await client.get("/api/users", token: other).status == .ok)
            let disabled = try await client.request(.patch, "/api/users/second-admin", token: admin, json: ["disabled": true])
            #expect(disabled.status == .ok && disabled.json?["disabled"] == true)
            #expect(try await client.get("/api/users", token: other).status == .unauthorized)
            #expect(
                try await client.post("/auth/token", token: nil, ["username": "second-admin", "password": "password-of-second-admin"]).status
                    == .unauthorized)
        }
    }

    @Test func forgedAndMalformedCredentialsAreRefused() async throws {
        try await Harness().run { client in
            let token = try await client.adminToken()
            var parts = token.split(separator: ".").map(String.init)
            parts[1] = Base64URL.encode(Array(#"{"sub":"1","iat":0,"exp":99999999999}"#.utf8))
            #expect(try await client.get("/api/users", token: parts.joined(separator: ".")).status == .unauthorized)
            #expect(try await client.get("/api/users", token: "vigil_dev_not-a-token").status == .unauthorized)
            #expect(try await client.get("/api/users", token: nil).status == .unauthorized)
            let basic = try await client.request(.get, "/api/users", headers: [.authorization: "Basic YWRtaW46eA=="])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func tokensAreNeverAcceptedInTheURL() async throws {
        try await Harness().run { client in
            let token = try await client.adminToken()
            let reply = try await client.get("/fhir/Patient?access_token=\(token)", token: nil)
            #expect(reply.status == .badRequest && reply.isOperationOutcome)
            #expect(try await client.get("/health?token=x", token: nil).status == .badRequest)
        }
    }

    @Test func theFirstAdminGetsAGeneratedPasswordWhenNoneIsConfigured() async throws {
        let harness = try Harness { $0.adminPassword = nil }
        guard case .createdWithGeneratedPassword(let password) = try await AdminBootstrap.run(runtime: harness.runtime) else {
            Issue.record("no generated password")
            return
        }
        #expect(password.count >= 20)
        #expect(try await AdminBootstrap.run(runtime: harness.runtime) == .existing)
        let admin = try #require(try await harness.runtime.store.user(username: "admin"))
        #expect(try await harness.runtime.passwords.verify(password, hash: admin.passwordHash))
        #expect(admin.passwordHash.hasPrefix("$2"))
    }

    @Test func signingKeysAreGeneratedPerInstallation() throws {
        let a = try Harness(), b = try Harness()
        let token = a.runtime.tokens.issue(
            for: UserAccount(id: 1, username: "u", role: .admin, fhirUser: nil, passwordHash: "h", created: 0), now: 100)
        #expect(a.runtime.tokens.verify(token, now: 100) != nil)
        #expect(b.runtime.tokens.verify(token, now: 100) == nil)
    }
}

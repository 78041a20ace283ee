import Crypto
import CryptoExtras
import Foundation
import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// SMART on FHIR as its clients use it: discovery, the OAuth token endpoint with form-encoded
/// requests (password, refresh token), SMART Backend Services (a client signing its own
/// assertion with a registered RS384 or ES384 key, `system/` scopes enforced), and CORS for the
/// configured origins only.
@Suite struct SMARTTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func formBody(_ fields: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    @Test func discoveryNamesTheTokenEndpointTheCapabilityStatementNamesToo() async throws {
        try await Harness().run { client in
            let smart = try await client.get("/.well-known/smart-configuration", token: nil)
            #expect(smart.status == .ok, "\(smart.text)")
            let endpoint = try #require(smart.json?["token_endpoint"]?.stringValue)
            #expect(endpoint.hasSuffix("/auth/token"))
            #expect(smart.json?["grant_types_supported"]?.arrayValue?.contains("client_credentials") == true)
            #expect(smart.json?["token_endpoint_auth_signing_alg_values_supported"]?.arrayValue?.contains("ES384") == true)
            let metadata = try await client.get("/fhir/metadata", token: nil)
            let oauth = metadata.json?["rest"]?[0]?["security"]?["extension"]?.arrayValue?.first {
                $0["url"] == "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
            }
            #expect(oauth?["extension"]?[0]?["valueUri"]?.stringValue == endpoint)
        }
    }

    @Test func aPersonGetsAnAccessAndARefreshTokenFromAForm() async throws {
        try await Harness().run { client in
            let signIn = try await client.request(
                .post, "/auth/token", body: Self.formBody([("grant_type", "password"), ("username", "admin"), ("password", Harness.adminPassword)]),
                headers: Self.form)
            #expect(signIn.status == .ok && signIn.headers[.cacheControl] == "no-store", "\(signIn.text)")
            let access = try #require(signIn.json?["access_token"]?.stringValue)
            let refresh = try #require(signIn.json?["refresh_token"]?.stringValue)
            #expect(try await client.get("/fhir/Patient", token: access).status == .ok)
            // A refresh token opens nothing but the token endpoint; an access token does not refresh.
            #expect(try await client.get("/fhir/Patient", token: refresh).status == .unauthorized)
            let wrongUse = try await client.request(
                .post, "/auth/token", body: Self.formBody([("grant_type", "refresh_token"), ("refresh_token", access)]), headers: Self.form)
            #expect(wrongUse.status == .badRequest && wrongUse.json?["error"] == "invalid_grant", "\(wrongUse.text)")
            let renewed = try await client.request(
                .post, "/auth/token", body: Self.formBody([("grant_type", "refresh_token"), ("refresh_token", refresh)]), headers: Self.form)
            let newAccess = try #require(renewed.json?["access_token"]?.stringValue, "\(renewed.text)")
            #expect(try await client.get("/fhir/Patient", token: newAccess).status == .ok)
            // A new password ends the refresh token too.
            let changed = try await client.request(
                .patch, "/api/users/admin", token: newAccess, json: ["password": "another-admin-password"])
            #expect(changed.status == .ok, "\(changed.text)")
            let afterChange = try await client.request(
                .post, "/auth/token", body: Self.formBody([("grant_type", "refresh_token"), ("refresh_token", refresh)]), headers: Self.form)
            #expect(afterChange.json?["error"] == "invalid_grant")
            let wrongPassword = try await client.request(
                .post, "/auth/token", body: Self.formBody([("grant_type", "password"), ("username", "admin"), ("password", "nope-nope-nope")]),
                headers: Self.form)
            #expect(wrongPassword.status == .badRequest && wrongPassword.json?["error"] == "invalid_grant")
            let unknown = try await client.request(.post, "/auth/token", body: "grant_type=authorization_code&code=x", headers: Self.form)
            #expect(unknown.json?["error"] == "unsupported_grant_type")
        }
    }

    /// A backend service's key pair: the JWK it registers and how it signs.
    struct ServiceKey {
        let jwk: JSON
        let alg: String
        let sign: @Sendable ([UInt8]) throws -> [UInt8]

        static func ec(kid: String) -> ServiceKey {
            let key = P384.Signing.PrivateKey()
            let raw = key.publicKey.rawRepresentation
            return ServiceKey(
                jwk: [
                    "kty": "EC", "crv": "P-384", "kid": .string(kid), "x": .string(Base64URL.encode(raw.prefix(48))),
                    "y": .string(Base64URL.encode(raw.suffix(48))),
                ], alg: "ES384", sign: { Array(try key.signature(for: SHA384.hash(data: $0)).rawRepresentation) })
        }

        static func rsa(kid: String) throws -> ServiceKey {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let primitives = try key.publicKey.getKeyPrimitives()
            return ServiceKey(
                jwk: [
                    "kty": "RSA", "kid": .string(kid), "n": .string(Base64URL.encode(primitives.modulus)),
                    "e": .string(Base64URL.encode(primitives.publicExponent)),
                ], alg: "RS384",
                sign: { Array(try key.signature(for: SHA384.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation) })
        }

        func assertion(client: String, audience: String, expiresIn: Int64 = 240, now: Int64, jti: String = UUID().uuidString) throws -> String {
            let header: JSON = ["alg": .string(alg), "kid": jwk["kid"]!, "typ": "JWT"]
            let claims: JSON = [
                "iss": .string(client), "sub": .string(client), "aud": .string(audience), "exp": .integer(now + expiresIn), "jti": .string(jti),
            ]
            let input = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(claims.serialized())
            return input + "." + Base64URL.encode(try sign(Array(input.utf8)))
        }
    }

    static func clientToken(_ client: Client, assertion: String, scope: String) async throws -> Reply {
        try await client.request(
            .post, "/auth/token",
            body: formBody([
                ("grant_type", "client_credentials"), ("scope", scope), ("client_assertion_type", AuthRoutes.assertionType),
                ("client_assertion", assertion),
            ]), headers: form)
    }

    @Test(arguments: ["ES384", "RS384"])
    func aBackendServiceSignsItsOwnAssertionAndGetsOnlyItsScopes(alg: String) async throws {
        let harness = try Harness()
        try await harness.run { client in
            let admin = try await client.adminToken()
            let key = alg == "ES384" ? ServiceKey.ec(kid: "k1") : try ServiceKey.rsa(kid: "k1")
            let registered = try await client.post(
                "/api/users", token: admin,
                ["username": "lab-feed", "role": "admin", "jwks": ["keys": [key.jwk]], "scope": "system/Patient.read system/Observation.rs"])
            #expect(registered.status == .created && registered.json?["keys"] == ["k1"], "\(registered.text)")
            try await client.put(["resourceType": "Patient", "name": [["family": "Lab"]]], id: "p1", token: admin)
            let endpoint = try #require(try await client.get("/.well-known/smart-configuration", token: nil).json?["token_endpoint"]?.stringValue)
            let now = harness.clock.now() / 1000
            let assertion = try key.assertion(client: "lab-feed", audience: endpoint, now: now)
            let granted = try await Self.clientToken(client, assertion: assertion, scope: "system/Patient.read system/Condition.read")
            #expect(granted.status == .ok && granted.json?["scope"] == "system/Patient.read", "\(granted.text)")
            #expect(granted.json?["expires_in"] == 300 && granted.json?["refresh_token"] == nil)
            let token = try #require(granted.json?["access_token"]?.stringValue)
            #expect(try await client.get("/fhir/Patient/p1", token: token).status == .ok)
            #expect(try await client.get("/fhir/Condition", token: token).status == .forbidden)
            #expect(try await client.post("/fhir/Patient", token: token, ["resourceType": "Patient"]).status == .forbidden)
            #expect(try await client.get("/api/users", token: token).status == .forbidden)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 10_000).map(\.event)
            #expect(audit.contains { $0.actor == "client/lab-feed" && $0.resource == "Patient/p1" && $0.action == .read })

            // Each assertion is used once; it names this endpoint, is fresh, and is signed by a registered key.
            let replay = try await Self.clientToken(client, assertion: assertion, scope: "system/Patient.read")
            #expect(replay.status == .unauthorized && replay.json?["error"] == "invalid_client", "\(replay.text)")
            for (forged, what) in [
                (try key.assertion(client: "lab-feed", audience: "https://elsewhere.example/token", now: now), "another audience"),
                (try key.assertion(client: "lab-feed", audience: endpoint, expiresIn: -10, now: now), "expired"),
                (try key.assertion(client: "lab-feed", audience: endpoint, expiresIn: 3600, now: now), "an hour ahead"),
                (try ServiceKey.ec(kid: "k1").assertion(client: "lab-feed", audience: endpoint, now: now), "another key"),
                (try key.assertion(client: "nobody", audience: endpoint, now: now), "an unknown client"),
            ] {
                let refused = try await Self.clientToken(client, assertion: forged, scope: "system/Patient.read")
                #expect(refused.status == .unauthorized && refused.json?["error"] == "invalid_client", "\(what): \(refused.text)")
            }
            let outside = try await Self.clientToken(
                client, assertion: try key.assertion(client: "lab-feed", audience: endpoint, now: now), scope: "system/Condition.read")
            #expect(outside.json?["error"] == "invalid_scope", "\(outside.text)")
            // It has no password to sign in with; disabled, it gets no token.
            let password = try await client.post("/auth/token", token: nil, ["username": "lab-feed", "password": ""])
            #expect(password.status == .unauthorized)
            #expect(try await client.request(.patch, "/api/users/lab-feed", token: admin, json: ["disabled": true]).status == .ok)
            let disabled = try await Self.clientToken(
                client, assertion: try key.assertion(client: "lab-feed", audience: endpoint, now: now), scope: "system/Patient.read")
            #expect(disabled.json?["error"] == "invalid_client")
            #expect(try await client.get("/fhir/Patient/p1", token: token).status == .unauthorized)
        }
    }

    @Test func aRegistrationWithAPrivateKeyOrAPersonsScopesIsRefused() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            var privateJWK = ServiceKey.ec(kid: "k1").jwk.objectValue!
            privateJWK["d"] = "c2VjcmV0"
            let good: JSON = ["keys": [ServiceKey.ec(kid: "k1").jwk]]
            let cases: [(JSON, String, String)] = [
                (["keys": [.object(privateJWK)]], "system/*.read", "jwks"),
                (["keys": [["kty": "oct", "kid": "k", "k": "c2VjcmV0"]]], "system/*.read", "jwks"),
                (good, "user/*.read", "scope"),
                (good, "", "scope"),
            ]
            for (jwks, scope, expression) in cases {
                let reply = try await client.post(
                    "/api/users", token: admin, ["username": "svc", "role": "admin", "jwks": jwks, "scope": .string(scope)])
                #expect(reply.status == .badRequest && reply.json?["issue"]?[0]?["expression"]?[0]?.stringValue == expression, "\(reply.text)")
            }
        }
    }

    @Test func onlyTheConfiguredOriginsGetCORS() async throws {
        try await Harness { $0.corsOrigins = ["https://app.example.org"] }.run { client in
            let preflight = try await client.request(
                .options, "/fhir/Patient",
                headers: [
                    .origin: "https://app.example.org", CORSMiddleware.requestMethod: "GET",
                    HTTPField.Name("Access-Control-Request-Headers")!: "authorization",
                ])
            #expect(preflight.status == .noContent && preflight.headers[CORSMiddleware.allowOrigin] == "https://app.example.org")
            #expect(preflight.headers[CORSMiddleware.allowHeaders]?.contains("Authorization") == true)
            let metadata = try await client.request(.get, "/fhir/metadata", headers: [.origin: "https://app.example.org"])
            #expect(metadata.headers[CORSMiddleware.allowOrigin] == "https://app.example.org")
            #expect(metadata.json?["rest"]?[0]?["security"]?["cors"] == true)
            let denied = try await client.request(.get, "/fhir/Patient", headers: [.origin: "https://app.example.org"])
            #expect(denied.status == .unauthorized && denied.headers[CORSMiddleware.allowOrigin] == "https://app.example.org")
            let other = try await client.request(.get, "/fhir/metadata", headers: [.origin: "https://evil.example"])
            #expect(other.headers[CORSMiddleware.allowOrigin] == nil)
            let otherPreflight = try await client.request(
                .options, "/fhir/Patient", headers: [.origin: "https://evil.example", CORSMiddleware.requestMethod: "GET"])
            #expect(otherPreflight.headers[CORSMiddleware.allowOrigin] == nil)
        }
    }
}

import Testing
import VigilCore

extension StoreConformance {
    static let accountChecks: [(name: String, check: Check)] = [
        (
            "accounts are unique by username and can change",
            { store in
                let nurse = UserAccount(
                    username: "nina", role: .nurse, fhirUser: FHIRReference(type: "Practitioner", id: "n1"), passwordHash: "h", created: Fixture.t0)
                var stored = try await store.insert(nurse, audit: [], sealer: Fixture.sealer)
                #expect(stored.id > 0)
                let duplicate = await #expect(throws: VigilError.self) { try await store.insert(nurse, audit: [], sealer: Fixture.sealer) }
                #expect(duplicate?.code == .conflict)
                stored.disabled = true
                stored.role = .physician
                try await store.update(stored, audit: [], sealer: Fixture.sealer)
                #expect(try await store.user(username: "nina") == stored)
                #expect(try await store.user(id: stored.id) == stored)
                #expect(try await store.users().map(\.username) == ["nina"])
                #expect(try await store.userCount() == 1)
                #expect(try await store.user(username: "nobody") == nil)
            }
        ),
        (
            "a backend service's keys and scopes are kept and can change",
            { store in
                let jwks: JSON = ["keys": [["kty": "EC", "crv": "P-384", "kid": "k1", "x": "eA", "y": "eQ"]]]
                let service = UserAccount(
                    username: "lab-feed", role: .admin, fhirUser: nil, passwordHash: "", created: Fixture.t0,
                    client: BackendClient(jwks: jwks, scope: "system/*.read"))
                var stored = try await store.insert(service, audit: [], sealer: Fixture.sealer)
                #expect(try await store.user(username: "lab-feed")?.client == service.client)
                stored.client?.scope = "system/Patient.read"
                try await store.update(stored, audit: [], sealer: Fixture.sealer)
                #expect(try await store.user(id: stored.id)?.client?.scope == "system/Patient.read")
                #expect(try await store.user(id: stored.id)?.client?.jwks == jwks)
            }
        ),
        (
            "device credentials are found by hash until revoked",
            { store in
                try await Fixture.seeded(store)
                let first = try await store.addCredential(
                    device: "d1", tokenHash: [1, 2, 3], brokerHash: "$7$101$a$b", at: Fixture.t0, audit: [], sealer: Fixture.sealer)
                _ = try await store.addCredential(
                    device: "d1", tokenHash: [4, 5, 6], brokerHash: "$7$101$c$d", at: Fixture.t0, audit: [], sealer: Fixture.sealer)
                #expect(try await store.device(forCredential: [1, 2, 3]) == "d1")
                #expect(try await store.brokerAccounts() == [DeviceBrokerAccount(device: "d1", passwordHash: "$7$101$c$d")])
                #expect(try await store.revokeCredentials(device: "d1", id: first, at: Fixture.t0, audit: [], sealer: Fixture.sealer) == 1)
                #expect(try await store.device(forCredential: [1, 2, 3]) == nil)
                #expect(try await store.device(forCredential: [4, 5, 6]) == "d1")
                #expect(try await store.revokeCredentials(device: "d1", id: nil, at: Fixture.t0, audit: [], sealer: Fixture.sealer) == 1)
                #expect(try await store.device(forCredential: [4, 5, 6]) == nil)
                #expect(try await store.brokerAccounts() == [])
                await #expect(throws: VigilError.self) {
                    try await store.addCredential(
                        device: "no-such-device", tokenHash: [7], brokerHash: nil, at: Fixture.t0, audit: [], sealer: Fixture.sealer)
                }
            }
        ),
    ]
}

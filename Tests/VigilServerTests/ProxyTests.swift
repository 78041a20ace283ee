import Configuration
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore

@testable import VigilServer

/// Behind a TLS proxy the links a client is given name the proxy's scheme and host, and the audit
/// names the client behind the proxy, but only when the request comes from a proxy the
/// configuration trusts: anyone else's `X-Forwarded-*` headers are ignored. HEAD and OPTIONS
/// answer for every route.
@Suite struct ProxyTests {
    static let forwarded: HTTPFields = [
        HTTPField.Name("X-Forwarded-Proto")!: "https", HTTPField.Name("X-Forwarded-Host")!: "fhir.example.org",
        HTTPField.Name("X-Forwarded-For")!: "203.0.113.7, 127.0.0.1",
    ]

    @Test func aTrustedProxysHeadersMakeTheLinksAndTheAuditedClient() async throws {
        let harness = try Harness { $0.trustedProxies = [try! IPNetwork("127.0.0.1/32")] }
        try await harness.run(.live) { client in
            let admin = try await client.adminToken()
            let created = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: ["resourceType": "Practitioner"], headers: Self.forwarded)
            #expect(created.headers[.location]?.hasPrefix("https://fhir.example.org/fhir/Practitioner/") == true, "\(created.headers)")
            let search = try await client.request(.get, "/fhir/Practitioner", token: admin, headers: Self.forwarded)
            #expect(search.json?["link"]?[0]?["url"]?.stringValue?.hasPrefix("https://fhir.example.org/fhir/Practitioner") == true, "\(search.text)")
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 10_000).map(\.event)
            #expect(audit.last { $0.resource.hasPrefix("Practitioner") }?.client == "203.0.113.7")
        }
    }

    @Test func anUntrustedSendersForwardedHeadersAreIgnored() async throws {
        let harness = try Harness { $0.trustedProxies = [try! IPNetwork("10.0.0.0/8")] }
        try await harness.run(.live) { client in
            let admin = try await client.adminToken()
            let created = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: ["resourceType": "Practitioner"], headers: Self.forwarded)
            #expect(created.headers[.location]?.hasPrefix("http://localhost/") == true, "\(created.headers[.location] ?? "")")
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 10_000).map(\.event)
            #expect(audit.last { $0.resource.hasPrefix("Practitioner") }?.client == "127.0.0.1")
        }
    }

    @Test func aForwardedHostThatIsNotAHostIsIgnored() async throws {
        let harness = try Harness { $0.trustedProxies = [try! IPNetwork("127.0.0.1/32")] }
        try await harness.run(.live) { client in
            let admin = try await client.adminToken()
            var headers = Self.forwarded
            headers[HTTPField.Name("X-Forwarded-Host")!] = "evil.example/phish?"
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "javascript"
            let created = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: ["resourceType": "Practitioner"], headers: headers)
            #expect(created.headers[.location]?.hasPrefix("http://localhost/") == true, "\(created.headers[.location] ?? "")")
        }
    }

    @Test func theClientIsTheNearestAddressThatIsNotATrustedProxy() throws {
        let forwarded = ForwardedHeaders(trusted: [try IPNetwork("10.0.0.0/8")])
        func client(_ hops: String, peer: String) -> String? {
            var head = HTTPRequest(method: .get, scheme: nil, authority: "vigil.local", path: "/")
            head.headerFields[ForwardedHeaders.forwardedFor] = hops
            return forwarded.resolve(head, peer: peer).client
        }
        // A client that writes its own X-Forwarded-For cannot pick the address the audit records.
        #expect(client("1.2.3.4, 198.51.100.1, 10.0.0.9", peer: "10.0.0.5") == "198.51.100.1")
        #expect(client("198.51.100.1", peer: "10.0.0.5") == "198.51.100.1")
        #expect(client("not-an-address", peer: "10.0.0.5") == "10.0.0.5")
        #expect(client("198.51.100.1", peer: "192.0.2.1") == "192.0.2.1")
        // Empty or comma-only values are no values (and never a crash).
        var empty = HTTPRequest(method: .get, scheme: nil, authority: "vigil.local", path: "/")
        (empty.headerFields[ForwardedHeaders.forwardedProto], empty.headerFields[ForwardedHeaders.forwardedHost]) = (",", "")
        empty.headerFields[ForwardedHeaders.forwardedFor] = ","
        #expect(forwarded.resolve(empty, peer: "10.0.0.5").client == "10.0.0.5" && forwarded.resolve(empty, peer: "10.0.0.5").origin == nil)
    }

    @Test func theProxiesAndOriginsAreCheckedAtStart() throws {
        func read(_ values: [String: String]) throws -> VigilConfiguration {
            let values = Dictionary(
                uniqueKeysWithValues: values.map { (AbsoluteConfigKey([$0.key]), ConfigValue(.string($0.value), isSecret: false)) })
            return try VigilConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)))
        }
        #expect(throws: VigilError.self) { try read(["trustedProxies": "proxy"]) }
        #expect(throws: VigilError.self) { try read(["corsOrigins": "https://app.example.org/path"]) }
        let configuration = try read(["trustedProxies": "10.0.0.0/8, ::1", "corsOrigins": "https://app.example.org"])
        #expect(configuration.trustedProxies.count == 2 && configuration.corsOrigins == ["https://app.example.org"])
    }

    @Test func headAnswersAsGetWithoutABody() async throws {
        try await Harness().run(.live) { client in
            let get = try await client.request(.get, "/fhir/metadata")
            let head = try await client.request(.head, "/fhir/metadata")
            #expect(head.status == .ok && head.text.isEmpty, "\(head.status) \(head.headers) \(head.text.prefix(80))")
            #expect(head.headers[.contentType] == get.headers[.contentType])
            #expect(try await client.request(.head, "/fhir/Patient").status == .unauthorized)
            #expect(try await client.request(.head, "/nothing-here").status == .notFound)
        }
    }

    @Test func optionsListsTheMethodsOfThePath() async throws {
        try await Harness().run { client in
            let instance = try await client.request(.options, "/fhir/Patient/p1")
            #expect(instance.status == .noContent, "\(instance.status) \(instance.text)")
            #expect(instance.headers[.allow] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")
            #expect(try await client.request(.options, "/fhir/metadata").headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(try await client.request(.options, "/auth/token").headers[.allow] == "POST, OPTIONS")
            #expect(try await client.request(.options, "/nothing-here").status == .notFound)
        }
    }
}

import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Deny by default: every route needs credentials unless it is on the short public list, and the
/// OpenAPI document describes exactly the routes outside `/fhir`.
@Suite struct RouteInventoryTests {
    static let publicRoutes: Set<String> = [
        "GET /", "GET /health", "GET /health/live", "GET /health/ready", "GET /metrics", "GET /openapi.json", "POST /auth/token",
        "GET /fhir/metadata", "POST /signin", "GET /static/vigil.css", "GET /static/vigil.js",
        "GET /static/favicon.svg", "GET /favicon.ico", "GET /.well-known/smart-configuration",
    ]

    static func key(_ route: VigilRoute) -> String { "\(route.method) \(route.path)" }

    @Test func onlyThePublicListIsPublic() throws {
        let routes = VigilApplication.routes(runtime: try Harness().runtime)
        #expect(Set(routes.filter { $0.access == .public }.map(Self.key)) == Self.publicRoutes)
    }

    @Test func everyOtherRouteRefusesARequestWithoutCredentials() async throws {
        let harness = try Harness()
        let routes = VigilApplication.routes(runtime: harness.runtime).filter { $0.access == .authenticated }
        try await harness.run { client in
            for route in routes {
                let path = route.path.replacingParameters()
                let reply = try await client.request(route.method, path, json: route.method == .get ? nil : ["x": 1])
                #expect(reply.status == .unauthorized && reply.isOperationOutcome, "\(route.method) \(path): \(reply.status)")
            }
        }
    }

    @Test func dashboardPagesWithoutASessionGoToTheSignInFormOrAreRefused() async throws {
        let harness = try Harness()
        let routes = VigilApplication.routes(runtime: harness.runtime).filter { $0.access == .session }
        #expect(
            Set(routes.map(Self.key)) == [
                "GET /board", "POST /signout", "GET /alerts", "POST /alerts/:id/ack", "POST /alerts/:id/resolve",
                "GET /patients/:id", "GET /school", "GET /public-health", "POST /public-health/exposures",
            ])
        try await harness.run { client in
            for route in routes {
                let reply = try await client.request(route.method, route.path.replacingParameters(), json: route.method == .get ? nil : ["x": 1])
                if route.method == .get {
                    let path = route.path.replacingParameters()
                    #expect(
                        reply.status == .seeOther && reply.headers[.location] == "/?next=" + URLQuery.escape(path),
                        "\(Self.key(route)): \(reply.status)")
                } else {
                    #expect(reply.status == .unauthorized && reply.isOperationOutcome, "\(Self.key(route)): \(reply.status)")
                }
            }
        }
    }

    @Test func theOpenAPIDocumentListsExactlyTheRoutesOutsideFHIR() throws {
        let document = try JSON.parse(OpenAPIDocument.json)
        var documented: Set<String> = []
        for member in document["paths"]?.objectValue ?? JSONObject() {
            for operation in member.value.objectValue ?? JSONObject() where operation.key != "parameters" {
                let path = member.key.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
                documented.insert("\(operation.key.uppercased()) \(path)")
            }
        }
        let routes = VigilApplication.routes(runtime: try Harness().runtime).filter { !$0.path.hasPrefix("/fhir") }
        #expect(documented == Set(routes.map(Self.key)))
        for route in routes where route.access == .public {
            let path = route.path.replacingOccurrences(of: ":", with: "{")
            #expect(
                document["paths"]?[path]?[route.method.rawValue.lowercased()]?["security"] == [],
                "\(Self.key(route)) is public but documented as secured")
        }
    }

    @Test func unknownPathsAnswer404WithoutData() async throws {
        try await Harness().run { client in
            for path in ["/api", "/api/readings", "/admin", "/fhir/Patient/p1/_history", "/.env"] {
                let reply = try await client.get(path, token: nil)
                #expect(reply.status == .notFound || reply.status == .unauthorized, "\(path)")
                #expect(reply.isOperationOutcome)
            }
        }
    }
}

extension String {
    /// `/api/devices/:id/credentials` → `/api/devices/x/credentials`.
    func replacingParameters() -> String {
        split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "x" : String($0) }.joined(separator: "/")
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

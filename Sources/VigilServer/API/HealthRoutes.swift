import Hummingbird
import VigilCore

/// Public operational routes: `/health` (readiness), `/health/live` (liveness), `/metrics`,
/// `/openapi.json` and the start page.
struct OperationsRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/health/live", .public) { _, _ in
                FHIRJSON.response(["status": "ok"], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.get, "/health", .public) { _, _ in try await readiness() },
            VigilRoute(.get, "/health/ready", .public) { _, _ in try await readiness() },
            VigilRoute(.get, "/metrics", .public) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: .init(string: runtime.metrics.exposition()))
                )
            },
            VigilRoute(.get, "/openapi.json", .public) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: FHIRJSON.jsonMediaType],
                    body: .init(byteBuffer: .init(string: OpenAPIDocument.json))
                )
            },
        ]
    }

    private func readiness() async throws -> Response {
        var database: JSON = "ok"
        var ready = true
        do {
            _ = try await runtime.store.userCount()
        } catch {
            database = .string("unavailable")
            ready = false
        }
        let accepting = runtime.writer.isAccepting
        let writes = runtime.writer.commitProblem
        let anchor = runtime.anchor.problem
        ready = ready && accepting && writes == nil && anchor == nil
        let body: JSON = [
            "status": .string(ready ? "ok" : "unavailable"),
            "checks": [
                "database": database,
                "writes": .string(writes ?? "ok"),
                "auditAnchor": .string(anchor ?? "ok"),
                "ingestQueue": [
                    "accepting": .bool(accepting), "depth": .integer(runtime.writer.depth), "capacity": .integer(runtime.writer.capacity),
                ],
            ],
        ]
        return FHIRJSON.response(body, status: ready ? .ok : .serviceUnavailable, mediaType: FHIRJSON.jsonMediaType)
    }
}

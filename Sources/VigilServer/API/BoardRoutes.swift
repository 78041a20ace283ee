import Hummingbird
import VigilCore

/// `GET /api/board`: the patients a person may see, ranked by urgency (``Board``). Takes `_count`
/// (patients, default and maximum 5,000). Audited per patient shown.
struct BoardRoutes {
    let runtime: VigilRuntime
    static let maxPatients = 5000

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/board") { request, context in
                guard let principal = context.principal else { throw VigilError(.unauthenticated, "sign in first") }
                let access = try await AccessControl.resolve(principal, runtime: runtime)
                _ = try access.requireClinicalViewer()
                var limit = Self.maxPatients
                for (name, value) in request.uri.queryParameters {
                    guard name == "_count" else {
                        throw VigilError(.invalid, "unknown parameter \(name); the board takes _count", expression: String(name))
                    }
                    guard let count = Int(value), count >= 0 else { throw VigilError(.invalid, "_count takes a whole number", expression: "_count") }
                    limit = min(count, Self.maxPatients)
                }
                let lines = try await Board(runtime: runtime).lines(scope: access.searchScope(for: .patient), limit: limit)
                let now = runtime.clock.now()
                try await runtime.audit(
                    lines.isEmpty
                        ? [runtime.auditEvent(principal, client: context.clientAddress, action: .read, resource: "board", detail: "0 patients")]
                        : lines.map {
                            runtime.auditEvent(principal, client: context.clientAddress, patient: $0.patient.id, action: .read, resource: "board")
                        })
                let body: JSON = [
                    "generated": .string(FHIRDateTime.instant(milliseconds: now)),
                    "rules": .string(runtime.analysis == nil ? "off" : "on"),
                    "patients": .array(
                        lines.enumerated().map { $1.json(rank: $0 + 1, now: now, policy: runtime.policy, catalog: runtime.catalog) }),
                ]
                return FHIRJSON.response(body, mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}

import Hummingbird
import VigilCore

/// `GET /api/board`: the patients a person may see (up to 5,000), all ranked by urgency
/// (``Board``); the answer is one page of them: `_count` lines (default 50, at most 5,000) from
/// `_offset` (default 0), with `total` the number ranked. Audited per patient shown.
struct BoardRoutes {
    let runtime: VigilRuntime
    static let maxPatients = 5000
    static let defaultPage = 50

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/board") { request, context in
                guard let principal = context.principal else { throw VigilError(.unauthenticated, "sign in first") }
                let access = try await AccessControl.resolve(principal, runtime: runtime)
                _ = try access.requireClinicalViewer()
                var count = Self.defaultPage, offset = 0
                for (name, value) in request.uri.queryParameters {
                    guard name == "_count" || name == "_offset" else {
                        throw VigilError(.invalid, "unknown parameter \(name); the board takes _count and _offset", expression: String(name))
                    }
                    guard let number = Int(value), number >= 0 else {
                        throw VigilError(.invalid, "\(name) takes a whole number", expression: String(name))
                    }
                    if name == "_count" { count = min(number, Self.maxPatients) } else { offset = number }
                }
                let board = Board(runtime: runtime)
                let ranked = try await board.lines(scope: access.searchScope(for: .patient), limit: Self.maxPatients)
                let page = ranked.dropFirst(offset).prefix(count)
                let records = try await board.patients(of: page)
                let now = runtime.clock.now()
                try await runtime.audit(
                    page.isEmpty
                        ? [runtime.auditEvent(principal, client: context.clientAddress, action: .read, resource: "board", detail: "0 patients")]
                        : page.map {
                            runtime.auditEvent(principal, client: context.clientAddress, patient: $0.patient, action: .read, resource: "board")
                        })
                let body: JSON = [
                    "generated": .string(FHIRDateTime.instant(milliseconds: now)),
                    "rules": .string(runtime.analysis == nil ? "off" : "on"),
                    "total": .integer(ranked.count), "offset": .integer(offset),
                    "patients": .array(
                        page.enumerated().map {
                            $1.json(rank: offset + $0 + 1, record: records[$1.patient], now: now, policy: runtime.policy, catalog: runtime.catalog)
                        }),
                ]
                return FHIRJSON.response(body, mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}

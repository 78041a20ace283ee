import Hummingbird
import VigilCore

/// `GET /api/board`: the patients a person may see (up to 5,000), all ranked by urgency
/// (``Board``); the answer is one page of them: `_count` lines (default 50, at most 5,000) from
/// `_offset` (default 0), with `total` the number ranked. Audited per patient shown.
struct BoardRoutes {
    let runtime: VigilRuntime
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
                    if name == "_count" { count = min(number, Board.maxPatients) } else { offset = number }
                }
                let body = try await Board(runtime: runtime).page(
                    for: principal, scope: access.searchScope(for: .patient), client: context.clientAddress, offset: offset, count: count)
                return FHIRJSON.response(body, mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}

import Foundation
import Hummingbird
import VigilCore

/// Vigil's FHIR API speaks JSON only. A request under `/fhir` whose `_format` or `Accept` names
/// only other formats (XML, Turtle) is answered 406 with the reason, rather than with JSON it did
/// not ask for.
struct FHIRFormatMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/fhir") else { return try await next(request, context) }
        if let format = request.uri.queryParameters["_format"].map(String.init), !Self.isJSON(format) {
            throw VigilError(.notAcceptable, "_format=\(format): this server speaks FHIR JSON only (_format=json)", expression: "_format")
        }
        if let accept = request.headers[.accept], !Self.accepts(accept) {
            throw VigilError(.notAcceptable, "Accept: \(accept): this server answers application/fhir+json only")
        }
        return try await next(request, context)
    }

    /// `json`, `application/json`, `application/fhir+json` (with parameters).
    static func isJSON(_ mediaType: some StringProtocol) -> Bool {
        let type = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == "json" || type == "application/json" || type == "application/fhir+json"
    }

    /// Whether an `Accept` header admits JSON: one of its ranges is JSON, `*/*` or `application/*`
    /// (a quality of 0 excludes it).
    static func accepts(_ header: String) -> Bool {
        header.split(separator: ",").contains { range in
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first, !parts.dropFirst().contains(where: { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" }) else {
                return false
            }
            return isJSON(type) || type == "*/*" || type == "application/*"
        }
    }
}

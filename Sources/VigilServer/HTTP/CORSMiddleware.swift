import HTTPTypes
public import Hummingbird
import VigilCore

/// CORS for the browser apps of the configured origins (``VigilConfiguration/corsOrigins``): their
/// requests get `Access-Control-Allow-Origin` naming them, and their preflights (`OPTIONS` with
/// `Access-Control-Request-Method`) a 204 listing the methods and headers a FHIR app sends.
/// Credentials are bearer tokens, never cookies: `Access-Control-Allow-Credentials` is not sent,
/// so a page of another site cannot ride on a dashboard session. Other origins get no CORS
/// headers, which browsers take as a refusal.
public struct CORSMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let origins: [Origin]

    public init(origins: [String]) { self.origins = origins.compactMap(Origin.init) }

    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let text = request.headers[.origin], let origin = Origin(text), origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[Self.requestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    Self.allowOrigin: text, .vary: "Origin", Self.allowMethods: "GET, HEAD, POST, PUT, PATCH, DELETE",
                    Self.allowHeaders: "Authorization, Content-Type, Accept, If-Match, If-None-Exist, If-None-Match, Prefer",
                    Self.maxAge: "600",
                ])
        }
        var response = try await next(request, context)
        response.headers[Self.allowOrigin] = text
        response.headers[.vary] = "Origin"
        response.headers[Self.exposeHeaders] = "Location, ETag, Last-Modified, Content-Location"
        return response
    }
}

public import Hummingbird
import VigilCore

/// OPTIONS for every route, from the route list itself: 204 with `Allow`, the methods of the most
/// specific routes matching the path (`/fhir/metadata` rather than `/fhir/:type`); 404 for a path
/// no route matches. (HEAD is ``HeadResponder``'s.)
public struct OptionsMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    /// Each route's path split into components, with its method.
    let routes: [(components: [Substring], method: HTTPRequest.Method)]

    public init(routes: [VigilRoute]) {
        self.routes = routes.map { ($0.path.split(separator: "/"), $0.method) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .options else { return try await next(request, context) }
        let methods = allowed(request.uri.path)
        guard !methods.isEmpty else { throw VigilError(.notFound, "there is nothing at \(request.uri.path)") }
        return Response(status: .noContent, headers: [.allow: methods.map(\.rawValue).joined(separator: ", ")])
    }

    /// The methods of the most specific routes matching `path` (most literal components), in the
    /// order GET, HEAD, POST, PUT, PATCH, DELETE, then OPTIONS; empty when none matches.
    func allowed(_ path: String) -> [HTTPRequest.Method] {
        let components = path.split(separator: "/")
        let matching = routes.filter { route in
            route.components.count == components.count
                && zip(route.components, components).allSatisfy { pattern, component in pattern.first == ":" || pattern == component }
        }
        let literals = { (route: (components: [Substring], method: HTTPRequest.Method)) in route.components.filter { $0.first != ":" }.count }
        guard let most = matching.map(literals).max() else { return [] }
        let methods = Set(matching.filter { literals($0) == most }.map(\.method))
        let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]
        return order.filter { $0 == .head ? methods.contains(.get) : methods.contains($0) } + [.options]
    }
}

/// HEAD for every GET route: the request goes through the router as GET (the router picks a
/// route by method before any middleware runs) and the answer keeps GET's headers,
/// `Content-Length` included, without the body.
public struct HeadResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner

    public init(_ inner: Inner) { self.inner = inner }

    public func respond(to request: Request, context: Inner.Context) async throws -> Response {
        guard request.method == .head else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
        let length = response.headers[.contentLength]
        response.body = ResponseBody()
        response.headers[.contentLength] = length
        return response
    }
}

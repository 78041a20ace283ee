public import Hummingbird
import Logging
import VigilCore

/// Turns every error into a response with a FHIR OperationOutcome: ``VigilError`` as it is,
/// Hummingbird's own errors (unknown route, body too large) by their status, anything else as a
/// 500 whose details go to the log, not to the client.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as VigilError {
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let code: VigilError.Code =
                switch error.status {
                case .notFound: .notFound
                case .methodNotAllowed: .methodNotAllowed
                case .contentTooLarge: .tooLarge
                case .unsupportedMediaType: .unsupportedMediaType
                case .unauthorized: .unauthenticated
                case .forbidden: .forbidden
                case .serviceUnavailable: .unavailable
                default: error.status.code < 500 ? .invalid : .internal
                }
            let message = error.status == .notFound ? "there is nothing at \(request.method) \(request.uri.path)" : error.status.reasonPhrase
            return try VigilError(code, message).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            return try VigilError(.internal, "the server could not complete the request").response(from: request, context: context)
        }
    }
}

/// One log line per request: method, route pattern (never the URL, whose query may name a
/// patient), status and duration.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method)",
                "http.route": "\(context.endpointPath ?? "-")",
                "http.status": "\(response.status.code)",
                "duration.ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ]
        )
        return response
    }
}

public import HTTPTypes
public import Hummingbird
import NIOCore
public import VigilCore

extension VigilError.Code {
    /// The HTTP status an error of this code answers with.
    public var httpStatus: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .gone: .gone
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .notAcceptable: .notAcceptable
        case .unprocessable: .unprocessableContent
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }
}

extension VigilError: HTTPResponseError {
    public var status: HTTPResponse.Status { code.httpStatus }

    /// An OperationOutcome, with `Retry-After` for 429/503 and `WWW-Authenticate` for 401.
    /// The answer to `request`: an OperationOutcome, or for a browser asking for a page (it accepts
    /// HTML, outside `/fhir` and `/api`) the same status as a page.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let path = request.uri.path
        if request.headers[.accept]?.contains("text/html") == true, !path.hasPrefix("/fhir"), !path.hasPrefix("/api") {
            let heading = status == .notFound ? "Not found" : status.reasonPhrase
            return DashboardPages.page("error", title: heading, values: ["heading": heading, "message": message], status: status)
        }
        var response = FHIRJSON.response(operationOutcome, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if code == .unauthenticated { response.headers[.wwwAuthenticate] = #"Bearer realm="vigil""# }
        return response
    }
}

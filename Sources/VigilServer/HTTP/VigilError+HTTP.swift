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
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
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
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = FHIRJSON.response(operationOutcome, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if code == .unauthenticated { response.headers[.wwwAuthenticate] = #"Bearer realm="vigil""# }
        return response
    }
}

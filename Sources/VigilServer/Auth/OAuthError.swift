import Hummingbird
import VigilCore

/// An error of the OAuth 2.0 token endpoint (RFC 6749 §5.2), answered as OAuth clients expect:
/// `{"error": "invalid_grant", "error_description": "…"}`, 400 (401 for `invalid_client`).
struct OAuthError: Error, Sendable {
    enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
    }

    let code: Code
    let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    var response: Response {
        var response = FHIRJSON.response(
            ["error": .string(code.rawValue), "error_description": .string(description)],
            status: code == .invalidClient ? .unauthorized : .badRequest,
            mediaType: FHIRJSON.jsonMediaType)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

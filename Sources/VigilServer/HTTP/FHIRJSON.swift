public import HTTPTypes
public import Hummingbird
import NIOCore
public import VigilCore

/// Reading JSON bodies and writing JSON responses.
public enum FHIRJSON {
    /// The media type of FHIR JSON responses.
    public static let fhirMediaType = "application/fhir+json; charset=utf-8"
    public static let jsonMediaType = "application/json; charset=utf-8"

    /// A response carrying `json`.
    public static func response(_ json: JSON, status: HTTPResponse.Status = .ok, mediaType: String = fhirMediaType) -> Response {
        Response(
            status: status,
            headers: [.contentType: mediaType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.serialized()))
        )
    }

    /// Collects a request body of at most `maxBytes` and parses it as JSON.
    ///
    /// - Throws: ``VigilError``: 415 for a body declared as something else than JSON, 413 when
    ///   too large or nested too deep, 400 when it is not JSON.
    public static func body(
        of request: Request, maxBytes: Int, maxDepth: Int = 32, mediaTypes: [String] = ["application/fhir+json", "application/json"]
    ) async throws -> JSON {
        if let type = request.headers[.contentType]?.lowercased(), !mediaTypes.contains(where: { type.hasPrefix($0) }) {
            throw VigilError(.unsupportedMediaType, "send \(mediaTypes.joined(separator: " or ")) (was \(type))")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes {
            throw VigilError(.tooLarge, "the body is \(length) bytes; the limit is \(maxBytes)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw VigilError(.tooLarge, "the body exceeds \(maxBytes) bytes")
        }
        guard buffer.readableBytes > 0 else { throw VigilError(.invalid, "the body is empty; send JSON", issueType: "structure") }
        return try buffer.withUnsafeReadableBytes { bytes throws(VigilError) in try JSON.parse(bytes, limits: JSONLimits(maxDepth: maxDepth)) }
    }
}

extension HTTPField.Name {
    /// `Prefer` (RFC 7240): `return=minimal`, `handling=lenient`.
    static let prefer = HTTPField.Name("Prefer")!
}

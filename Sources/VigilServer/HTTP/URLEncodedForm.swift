import Foundation
import Hummingbird
import VigilCore

/// An `application/x-www-form-urlencoded` body, as the dashboard's forms and OAuth clients send it (at most 16 KiB).
struct URLEncodedForm {
    private var fields: [String: String] = [:]

    init(request: inout Request) async throws {
        let buffer = try await request.collectBody(upTo: 16 << 10)
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// `+` as space, then percent-decoding.
    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

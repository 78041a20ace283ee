import Foundation
import Hummingbird
import VigilCore

/// An `application/x-www-form-urlencoded` body, as the dashboard's forms and OAuth clients send it (at most 16 KiB).
struct URLEncodedForm {
    /// The fields in the order sent (a name may repeat: a search's `code=a&code=b` is an AND).
    private(set) var pairs: [(name: String, value: String)] = []

    init(request: inout Request) async throws {
        let buffer = try await request.collectBody(upTo: 16 << 10)
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            pairs.append((name, parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""))
        }
    }

    /// The last value of `name`.
    subscript(_ name: String) -> String? { pairs.last { $0.name == name }?.value }

    /// `+` as space, then percent-decoding.
    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

import Foundation

/// A web origin (RFC 6454): scheme, host and port, the port filled in from the scheme when it
/// is not written; compared as a browser compares them.
struct Origin: Equatable {
    let scheme: String
    let host: String
    let port: Int

    /// From an `Origin` header value, `scheme://host[:port]` and nothing more; nil for `null` and
    /// anything else.
    init?(_ text: String) {
        guard let separator = text.range(of: "://") else { return nil }
        self.init(scheme: String(text[..<separator.lowerBound]), authority: String(text[separator.upperBound...]))
    }

    /// From a scheme (`http` or `https`) and a `Host` value, `host[:port]`.
    init?(scheme: String, authority: String) {
        let scheme = scheme.lowercased()
        guard let defaultPort = ["http": 80, "https": 443][scheme] else { return nil }
        let host: Substring
        let rest: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            (host, rest) = (authority[...close], authority[authority.index(after: close)...])
        } else {
            let colon = authority.firstIndex(of: ":") ?? authority.endIndex
            (host, rest) = (authority[..<colon], authority[colon...])
        }
        guard !host.isEmpty, !host.contains(where: { "/?#@ ".contains($0) }) else { return nil }
        var port = defaultPort
        if !rest.isEmpty {
            guard rest.first == ":", let written = Int(rest.dropFirst()), (1...65535).contains(written) else { return nil }
            port = written
        }
        (self.scheme, self.host, self.port) = (scheme, host.lowercased(), port)
    }
}

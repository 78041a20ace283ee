import Foundation
public import VigilCore

/// The broker `vigil serve --mqtt` connects to: `mqtt://[user:password@]host:port`, or
/// `mqtts://…` for TLS. Without credentials the server connects anonymously (for brokers that
/// allow it), unless it manages the broker's accounts (`--broker-config`), when it uses its own.
public struct MQTTEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: Secret?
    public var tls: Bool

    public init(host: String, port: Int, username: String? = nil, password: Secret? = nil, tls: Bool = false) {
        (self.host, self.port, self.username, self.password, self.tls) = (host, port, username, password, tls)
    }

    /// Parses the URL; the port defaults to 1883 (8883 with TLS). User and password are
    /// percent-decoded.
    public init(url: String) throws(VigilError) {
        let scheme: Substring
        let rest: Substring
        if let range = url.range(of: "://") {
            (scheme, rest) = (url[..<range.lowerBound], url[range.upperBound...])
        } else {
            throw VigilError(.invalid, "--mqtt takes mqtt://[user:password@]host:port")
        }
        switch scheme.lowercased() {
        case "mqtt", "tcp": tls = false
        case "mqtts", "ssl": tls = true
        default: throw VigilError(.invalid, "--mqtt takes an mqtt:// or mqtts:// URL (was \(scheme)://)")
        }
        var authority = rest.hasSuffix("/") ? rest.dropLast() : rest
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = String(parts[0]).removingPercentEncoding
            password = parts.count > 1 ? String(parts[1]).removingPercentEncoding.map { Secret($0) } : nil
            guard username?.isEmpty == false else { throw VigilError(.invalid, "--mqtt has an empty user name") }
        }
        guard !authority.contains("/") else { throw VigilError(.invalid, "--mqtt takes no path (was \(url.redactingCredentials))") }
        let defaultPort = tls ? 8883 : 1883
        if let (host, port) = VigilConfiguration.hostPort(String(authority)) {
            (self.host, self.port) = (host, port)
        } else if !authority.isEmpty, !authority.contains(":") || authority.hasPrefix("[") {
            (host, port) = (authority.hasPrefix("[") ? String(authority.dropFirst().dropLast()) : String(authority), defaultPort)
        } else {
            throw VigilError(.invalid, "--mqtt takes mqtt://[user:password@]host:port (was \(url.redactingCredentials))")
        }
    }
}

extension String {
    /// The URL without its `user:password@` part, for messages and logs.
    var redactingCredentials: String {
        guard let scheme = range(of: "://"), let at = self[scheme.upperBound...].lastIndex(of: "@") else { return self }
        return String(self[..<scheme.upperBound]) + "…@" + self[index(after: at)...]
    }
}

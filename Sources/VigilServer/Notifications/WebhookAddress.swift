import Foundation
import NIOPosix
import VigilCore

/// Where a webhook may send: an `https` URL without credentials whose host resolves only to
/// public addresses, or to networks the operator allowed (``VigilConfiguration/webhookAllow``).
/// Loopback, private, shared, link-local (the cloud metadata service at 169.254.169.254),
/// multicast, reserved and translated addresses are refused. Checked when a webhook is added and
/// again before every delivery, which then connects to the very address checked (no second look-up
/// for a rebinding name server to answer differently).
struct WebhookAddress: Sendable, Equatable {
    let host: String
    let port: Int
    /// The address checked, to connect to.
    let ip: String

    /// Networks no webhook may reach unless allowed.
    static let refused: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b::/96", "100::/64", "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].map { try! IPNetwork($0) }

    /// The host and port of a webhook URL, or why it is refused.
    static func parse(_ text: String) throws -> (host: String, port: Int) {
        guard text.count <= 2000, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            throw VigilError(.unprocessable, "the webhook URL is not a URL", expression: "url")
        }
        guard scheme == "https" else { throw VigilError(.unprocessable, "a webhook URL is https", expression: "url") }
        guard url.user == nil, url.password == nil else {
            throw VigilError(.unprocessable, "a webhook URL carries no credentials: deliveries are signed", expression: "url")
        }
        guard let host = url.host, !host.isEmpty else { throw VigilError(.unprocessable, "the webhook URL has no host", expression: "url") }
        return (host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, url.port ?? 443)
    }

    /// Resolves the URL's host and checks every address it has.
    static func resolve(_ text: String, allow: [IPNetwork]) async throws -> WebhookAddress {
        let (host, port) = try parse(text)
        let addresses = try await lookUp(host)
        guard let first = addresses.first else { throw VigilError(.unprocessable, "\(host) does not resolve", expression: "url") }
        for address in addresses where !allow.contains(where: { $0.contains(address) }) && refused.contains(where: { $0.contains(address) }) {
            throw VigilError(
                .unprocessable, "\(host) resolves to \(address), a loopback, private, link-local or reserved address that webhooks may not reach",
                expression: "url")
        }
        return WebhookAddress(host: host, port: port, ip: first)
    }

    /// Every address of `host`, as text, in the order the resolver gives them.
    private static func lookUp(_ host: String) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let info = next {
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                switch info.pointee.ai_family {
                case AF_INET:
                    var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                case AF_INET6:
                    var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                default:
                    next = info.pointee.ai_next
                    continue
                }
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
                next = info.pointee.ai_next
            }
            return addresses
        }
    }
}

import Foundation
public import VigilCore

/// An IPv4 or IPv6 network (`10.1.0.0/16`, `::1/128`; a bare address is one host), to say
/// where a sender may connect from.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The network's address bytes (4 or 16) and prefix length.
    public let address: [UInt8]
    public let prefix: Int

    public init(_ text: String) throws(VigilError) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = Self.bytes(of: String(first)) else {
            throw VigilError(.invalid, "\(text) is not an IP network (like 10.1.0.0/16 or ::1/128)")
        }
        let prefix = parts.count == 2 ? Int(parts[1]) : address.count * 8
        guard let prefix, (0...address.count * 8).contains(prefix) else {
            throw VigilError(.invalid, "\(text) has a prefix length out of range")
        }
        (self.address, self.prefix) = (address, prefix)
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        _ = address.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/\(prefix)"
    }

    /// Whether `ip` (text, v4 or v6; an IPv4-mapped IPv6 address counts as IPv4) is in the network.
    public func contains(_ ip: String) -> Bool {
        guard var other = Self.bytes(of: ip) else { return false }
        if address.count == 4, other.count == 16, other.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] {
            other = Array(other.suffix(4))
        }
        guard other.count == address.count else { return false }
        var remaining = prefix
        for (mine, theirs) in zip(address, other) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

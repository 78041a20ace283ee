/// The key a device gives each reading, unique for that device: which boot of the device, and
/// which reading of that boot. The store keeps one reading per key, so a resend is a duplicate.
public struct ProducerKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The Device's FHIR id.
    public let device: String
    /// The device's boot (counter epoch); `0` when the device does not send one.
    public let boot: String
    public let seq: Int64

    public init(device: String, boot: String, seq: Int64) {
        self.device = device
        self.boot = boot
        self.seq = seq
    }

    /// The identifier system under which an Observation carries its producer key.
    public static let system = "urn:vigil:producer-key"

    /// The boot id used when a device sends none.
    public static let defaultBoot = "0"

    /// `DEVICE/BOOT/SEQ`, the Observation identifier's value.
    public var description: String { "\(device)/\(boot)/\(seq)" }

    /// Parses `DEVICE/BOOT/SEQ`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, FHIRID.isValid(String(parts[0])), ProducerKey.isValidBoot(String(parts[1])),
            let seq = Int64(parts[2]), seq >= 0
        else { return nil }
        self.init(device: String(parts[0]), boot: String(parts[1]), seq: seq)
    }

    /// Whether `boot` is a valid boot id: 1 to 64 characters of `A-Z a-z 0-9 - . _`.
    public static func isValidBoot(_ boot: String) -> Bool {
        let utf8 = boot.utf8
        return !utf8.isEmpty && utf8.count <= 64
            && utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            }
    }
}

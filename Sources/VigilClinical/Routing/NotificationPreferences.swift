import Foundation
public import VigilCore

/// How a person wants to be told beyond the dashboard: e-mail, text messages and a pager, each for
/// the priorities they choose, and quiet hours in their time zone during which only high-priority
/// alerts reach them (quiet hours never hold back a high-priority alert).
///
/// ```json
/// {"channels": [{"kind": "email", "address": "nina@example.org", "priorities": ["high", "medium"]},
///               {"kind": "sms", "address": "+4520304050", "priorities": ["high"]}],
///  "quietHours": {"start": "22:00", "end": "07:00", "timeZone": "Europe/Copenhagen"}}
/// ```
public struct NotificationPreferences: Sendable, Equatable {
    public struct Channel: Sendable, Equatable {
        /// `email`, `sms` or `pager`.
        public var kind: OutboxMessage.Channel
        public var address: String
        public var priorities: Set<Priority>
    }

    public var channels: [Channel]
    /// Local hours (start and end as `hh:mm`) during which medium and low priority are held back.
    public var quietHours: (start: String, end: String, timeZone: String)?
    private var quiet: DutyHours?

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.json == rhs.json }

    /// At most this many channels.
    public static let maxChannels = 5

    /// Reads preferences as the API takes them; what cannot be read is refused with its place.
    public init(json: JSON) throws {
        guard case .object = json else { throw VigilError(.invalid, "preferences are a JSON object") }
        let items = json["channels"]?.arrayValue ?? []
        guard items.count <= Self.maxChannels else {
            throw VigilError(.invalid, "at most \(Self.maxChannels) channels", expression: "channels")
        }
        channels = try items.enumerated().map { index, item in
            let place = "channels[\(index)]"
            guard let kind = item["kind"]?.stringValue.flatMap(OutboxMessage.Channel.init(rawValue:)), kind != .webhook else {
                throw VigilError(.invalid, "kind is email, sms or pager", expression: "\(place).kind")
            }
            guard let address = item["address"]?.stringValue, Self.isValid(address, for: kind) else {
                throw VigilError(
                    .invalid, kind == .email ? "address is an e-mail address" : "address is a number: + and 6 to 15 digits, or digits alone",
                    expression: "\(place).address")
            }
            return Channel(kind: kind, address: address, priorities: try Self.priorities(item["priorities"], at: "\(place).priorities"))
        }
        if let hours = json["quietHours"] {
            guard let start = hours["start"]?.stringValue, let end = hours["end"]?.stringValue,
                let zoneName = hours["timeZone"]?.stringValue, let zone = TimeZone(identifier: zoneName)
            else {
                throw VigilError(
                    .invalid, "quiet hours are {\"start\": \"22:00\", \"end\": \"07:00\", \"timeZone\": \"Europe/London\"}", expression: "quietHours")
            }
            quiet = try DutyHours(
                availableTime: [["availableStartTime": .string(start + ":00"), "availableEndTime": .string(end + ":00")]], notAvailable: [],
                timeZone: zone, at: "quietHours")
            quietHours = (start, end, zoneName)
        }
    }

    /// Priorities as a notification setting names them (a person's channel, a webhook): a list of
    /// `high`, `medium` and `low`; all three when absent.
    public static func priorities(_ value: JSON?, at place: String) throws -> Set<Priority> {
        guard let value else { return [.high, .medium, .low] }
        let named = value.arrayValue ?? []
        let priorities = named.compactMap { $0.stringValue.flatMap(Priority.init(rawValue:)) }
        guard !named.isEmpty, priorities.count == named.count else {
            throw VigilError(.invalid, "priorities are a list of high, medium and low", expression: place)
        }
        return Set(priorities)
    }

    /// The channels that carry an alert of `priority` at `time`: those chosen for it, none of
    /// medium or low priority within quiet hours.
    public func channels(for priority: Priority, at time: Int64) -> [Channel] {
        if priority != .high, quiet?.covers(time) == true { return [] }
        return channels.filter { $0.priorities.contains(priority) }
    }

    public var json: JSON {
        var object: JSONObject = [
            "channels": .array(
                channels.map { channel in
                    [
                        "kind": .string(channel.kind.rawValue), "address": .string(channel.address),
                        "priorities": .array(channel.priorities.sorted { $0 > $1 }.map { .string($0.rawValue) }),
                    ]
                })
        ]
        if let quietHours {
            object["quietHours"] = ["start": .string(quietHours.start), "end": .string(quietHours.end), "timeZone": .string(quietHours.timeZone)]
        }
        return .object(object)
    }

    /// An e-mail address without anything that could end a mail header; a number for text or pager.
    public static func isValid(_ address: String, for kind: OutboxMessage.Channel) -> Bool {
        switch kind {
        case .email:
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            return address.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
                && address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
        case .sms, .pager:
            let digits = address.hasPrefix("+") ? address.dropFirst() : Substring(address)
            return (6...15).contains(digits.count) && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        case .webhook:
            return false
        }
    }
}

/// How a patient's condition changes over the scenario: at each keyframe hour, how far each vital
/// sign's mean has moved from the baseline. Between keyframes the change is linear; after the last
/// one it holds. An empty course is a stable patient.
///
/// ```json
/// "course": [{"hour": 0}, {"hour": 3, "heartRate": 20, "temperature": 1.5}, {"hour": 6, "heartRate": 40}]
/// ```
public struct Course: Sendable, Equatable, Codable {
    /// One keyframe: the hour (of physiological time since the start) and the changes then.
    public struct Frame: Sendable, Equatable, Codable {
        public var hour: Double
        public var changes: [Vital: Double]

        public init(hour: Double, changes: [Vital: Double] = [:]) {
            self.hour = hour
            self.changes = changes
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            hour = try container.decode(Double.self, forKey: Key(stringValue: "hour"))
            changes = [:]
            for key in container.allKeys where key.stringValue != "hour" {
                guard let vital = Vital(rawValue: key.stringValue) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: container, debugDescription: "'\(key.stringValue)' is not a vital sign (\(Vital.allCases.map(\.rawValue)))")
                }
                changes[vital] = try container.decode(Double.self, forKey: key)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(hour, forKey: Key(stringValue: "hour"))
            for (vital, change) in changes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try container.encode(change, forKey: Key(stringValue: vital.rawValue))
            }
        }
    }

    public var frames: [Frame]

    public init(_ frames: [Frame] = []) { self.frames = frames.sorted { $0.hour < $1.hour } }

    public init(from decoder: any Decoder) throws { self.init(try [Frame](from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try frames.encode(to: encoder) }

    /// How far `vital` has moved from the baseline at `hour`.
    public func change(of vital: Vital, atHour hour: Double) -> Double {
        guard let after = frames.firstIndex(where: { $0.hour > hour }) else { return frames.last?.changes[vital] ?? 0 }
        guard after > 0 else { return 0 }
        let (a, b) = (frames[after - 1], frames[after])
        let (from, to) = (a.changes[vital] ?? 0, b.changes[vital] ?? 0)
        return from + (to - from) * (hour - a.hour) / (b.hour - a.hour)
    }

    /// The hour of the last keyframe: when the story has been told.
    public var hours: Double { frames.last?.hour ?? 0 }
}

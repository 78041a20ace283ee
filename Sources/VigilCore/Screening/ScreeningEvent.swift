/// One anonymous screening at a public place (a fever-screening kiosk at an airport or a
/// station): the site, when, and the temperature. It names no person, by design: a kiosk is a
/// Device with a `location` and no `patient`, and what it measures is kept against the Location.
public struct ScreeningEvent: Sendable, Equatable, Codable {
    /// The kiosk's producer key: a resent screening is stored once.
    public var key: ProducerKey
    /// The Location's id.
    public var site: String
    /// When the kiosk measured, in milliseconds since the epoch.
    public var time: Int64
    /// The temperature in °C.
    public var celsius: Double
    /// When the server received it.
    public var received: Int64

    public init(key: ProducerKey, site: String, time: Int64, celsius: Double, received: Int64) {
        self.key = key
        self.site = site
        self.time = time
        self.celsius = celsius
        self.received = received
    }
}

extension ScreeningEvent {
    /// The code a kiosk sends its temperatures under: LOINC body temperature, in `Cel` or `[degF]`.
    public static let code = "8310-5"

    /// A kiosk's reading at `site` as a screening, or nil when it is not a temperature.
    public init?(_ submission: ReadingSubmission, device: String, site: String, received: Int64) {
        guard let celsius = Self.celsius(code: submission.code, value: submission.value, unit: submission.unit) else { return nil }
        self.init(
            key: ProducerKey(device: device, boot: submission.boot, seq: submission.seq), site: site, time: submission.time, celsius: celsius,
            received: received)
    }

    /// A kiosk's reading as a temperature in °C (rounded to 0.01), or nil when it is not a
    /// temperature (another code, another unit).
    public static func celsius(code: String, value: Double, unit: String) -> Double? {
        guard code == Self.code else { return nil }
        switch unit {
        case "Cel": return value
        case "[degF]": return ((value - 32) * 5 / 9 * 100).rounded() / 100
        default: return nil
        }
    }
}

/// Where a wearer was: the place a smartwatch reports every quarter of an hour, from the
/// patient's day (`places` in the scenario: school from 08:00 to 15:00, home otherwise), for
/// exposure tracing.
public struct LocationPing: Sendable, Equatable {
    public var device: String
    public var patient: String
    public var time: Int64
    public var place: String
}

extension Scenario {
    /// Part of a patient's day spent at a place (hours of day on the body's clock, 0–24).
    public struct Place: Sendable, Codable, Equatable {
        public var fromHour: Double
        public var toHour: Double
        public var place: String

        public init(fromHour: Double, toHour: Double, place: String) {
            (self.fromHour, self.toHour, self.place) = (fromHour, toHour, place)
        }
    }
}

extension [Scenario.Place] {
    /// Where the patient is at `hourOfDay`: the first place whose hours hold it, else home.
    func place(atHourOfDay hour: Double) -> String {
        first { $0.fromHour <= hour && hour < $0.toHour }?.place ?? "home"
    }
}

extension Fleet {
    /// The location pings of the fleet's smartwatches over the first `hours` of physiology, one
    /// every 15 minutes while the watch is sending.
    public func locationPreview(hours: Double) -> [LocationPing] {
        members.filter { $0.model.kind == .smartwatch }.flatMap { member in
            stride(from: 0.0, through: hours * 3600, by: 900).filter(member.model.isSending(atSeconds:)).map { seconds in
                LocationPing(
                    device: member.model.id, patient: member.patient, time: clock.realMilliseconds(seconds),
                    place: (member.places).place(atHourOfDay: clock.hourOfDay(seconds)))
            }
        }
    }
}

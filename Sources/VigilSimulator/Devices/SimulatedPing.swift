/// Where a wearer was: the place a smartwatch reports every quarter of an hour, from the
/// patient's day (`places` in the scenario: school from 08:00 to 15:00, home otherwise), for
/// exposure tracing; `place` is the id of the place's Location.
public struct SimulatedPing: Sendable, Equatable {
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

extension Scenario.Place {
    /// The id of the Location a place is registered as: `home-PATIENT` for home (each patient's
    /// own), else the place's name in lower case with dashes.
    public static func locationID(_ place: String, patient: String) -> String {
        guard place != "home" else { return "home-\(patient)" }
        let slug = place.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return slug.split(separator: "-").joined(separator: "-")
    }
}

extension Fleet {
    /// The location pings of the fleet's smartwatches over the first `hours` of physiology (what
    /// their ``Wearer``s send: one every 15 minutes while the watch is sending), places by their
    /// Location ids.
    public func locationPreview(hours: Double) -> [SimulatedPing] {
        members.filter { $0.model.kind == .smartwatch }.flatMap { member in
            var wearer = Wearer(model: member.model, patient: member.patient, places: member.places)
            return wearer.readings(until: hours * 3600).compactMap { reading in
                reading.place.map { SimulatedPing(device: member.model.id, patient: member.patient, time: reading.time, place: $0) }
            }
        }
    }
}

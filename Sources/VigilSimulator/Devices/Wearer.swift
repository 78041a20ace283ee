/// A smartwatch and where its wearer is: the watch's readings, and every quarter of an hour while
/// it sends, a location ping naming the place of the patient's day (``Scenario/Place``), one
/// sequence of seqs for both.
public struct Wearer: ReadingSource {
    public var model: DeviceModel
    public let patient: String
    public let places: [Scenario.Place]
    private var nextPing: Double = 0
    private var seq: Int64 = 0

    public static let pingInterval = 900.0

    public init(model: DeviceModel, patient: String, places: [Scenario.Place]) {
        (self.model, self.patient, self.places) = (model, patient, places)
    }

    public var nextDue: Double { min(model.nextDue, nextPing) }

    public mutating func readings(until seconds: Double) -> [SimulatedReading] {
        var out = model.readings(until: seconds)
        while nextPing <= seconds {
            if model.isSending(atSeconds: nextPing) {
                let place = places.place(atHourOfDay: model.clock.hourOfDay(nextPing))
                out.append(
                    SimulatedReading(
                        seq: 0, time: model.clock.realMilliseconds(nextPing), code: "", value: 0, unit: "",
                        place: Scenario.Place.locationID(place, patient: patient)))
            }
            nextPing += Self.pingInterval
        }
        out.sort { $0.time < $1.time }
        for index in out.indices {
            seq += 1
            out[index].seq = seq
        }
        return out
    }

    public mutating func sendsTwice(atSeconds seconds: Double) -> Bool { model.sendsTwice(atSeconds: seconds) }
}

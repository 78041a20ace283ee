import Testing
import VigilCore

@testable import VigilClinical

/// Exposure and source tracing on planted co-locations: who was near the index long enough, the
/// near misses (too far, too short) not, and who else visited the index's places.
@Suite struct ExposureTracingTests {
    static let eight: Int64 = 1_772_352_000_000  // 2026-03-01T08:00:00Z
    static let minute: Int64 = 60_000
    static let school = GeoPosition(latitude: 42.3601, longitude: -71.0589, accuracy: 5)

    /// `school` moved `metres` east.
    static func east(_ metres: Double) -> GeoPosition {
        GeoPosition(latitude: school.latitude, longitude: school.longitude + metres / (111_195 * 0.7390), accuracy: 5)
    }

    /// Pings every 5 minutes from `start` for `minutes`, `offset` seconds after the minute.
    static func pings(
        _ patient: String, from start: Int64, minutes: Int64, offset: Int64 = 0, at position: GeoPosition? = school, place: String? = nil
    )
        -> [LocationPing]
    {
        var pings: [LocationPing] = []
        var time = start
        while time < start + minutes * minute {
            pings.append(
                LocationPing(
                    key: ProducerKey(device: "w-\(patient)", boot: "b", seq: Int64(pings.count)), patient: patient, time: time + offset * 1000,
                    position: position, place: place, received: time))
            time += 5 * minute
        }
        return pings
    }

    static var index: [LocationPing] {
        pings("index", from: eight, minutes: 180) + pings("index", from: eight + 180 * minute, minutes: 30, at: nil, place: "ward-3")
    }

    static var others: [LocationPing] {
        pings("near", from: eight + 60 * minute, minutes: 60, offset: 90, at: east(3))  // an hour at 3 m
            + pings("far", from: eight + 60 * minute, minutes: 60, at: east(50))  // an hour at 50 m
            + pings("brief", from: eight + 60 * minute, minutes: 10, at: east(1))  // ten minutes at 1 m
            + pings("ward", from: eight + 185 * minute, minutes: 25, offset: 30, at: nil, place: "ward-3")  // the ward, 25 min
            + pings("later", from: eight + 300 * minute, minutes: 30, at: east(2))  // at the school after the index left
    }

    @Test func plantedCoLocationsAreFoundAndNearMissesAreNot() {
        let tracing = ExposureTracing(index: Self.index, distance: 10)
        let contacts = tracing.contacts(among: Self.others + Self.index, minutes: 15)
        #expect(contacts.map(\.patient) == ["near", "ward"], "\(contacts)")
        let near = contacts[0]
        // Their pings stand for 09:01:30 to 10:01:30, all of it beside the index.
        #expect(near.minutes == 60 && near.first == Self.eight + 61 * Self.minute + 30_000 && near.last == Self.eight + 121 * Self.minute + 30_000)
        #expect(near.places == ["geo:42.36,-71.059"])
        // In the ward from 11:05:30; the index's last ping there stands until 11:30.
        #expect(contacts[1].places == ["Location/ward-3"] && contacts[1].minutes == 24 && contacts[1].last == Self.eight + 210 * Self.minute)
        // Ten minutes is a contact when ten minutes are enough; fifty metres when the distance is 60.
        #expect(tracing.contacts(among: Self.others, minutes: 10).map(\.patient).contains("brief"))
        #expect(ExposureTracing(index: Self.index, distance: 60).contacts(among: Self.others, minutes: 15).map(\.patient).contains("far"))
    }

    /// Reading only the neighbourhood's windows from the store loses no contact, and leaves out
    /// what cannot be one (the school after the index left).
    @Test func theNeighbourhoodHoldsEveryPingThatCanBeTogether() {
        for distance in [10.0, 60] {
            let tracing = ExposureTracing(index: Self.index, distance: distance)
            let windows = tracing.neighbourhood
            #expect(
                windows.filter { $0.place != nil } == [
                    PingWindow(place: "ward-3", from: Self.eight + 165 * Self.minute, to: Self.eight + 210 * Self.minute + 1)
                ])
            let read = Self.others.filter { ping in
                windows.contains { window in
                    (window.from..<window.to).contains(ping.time)
                        && (window.place.map { $0 == ping.place } ?? (ping.position.map { window.cell == $0.cell } ?? false))
                }
            }
            #expect(tracing.contacts(among: read, minutes: 0) == tracing.contacts(among: Self.others, minutes: 0), "\(distance) m")
            #expect(!read.contains { $0.patient == "later" } && read.count < Self.others.count)
        }
    }

    @Test func sourceTracingFindsTheSharedPlaceAtAnyTime() {
        let tracing = ExposureTracing(index: Self.index, distance: 10)
        let visits = tracing.visits
        #expect(visits.map(\.place) == ["geo:42.36,-71.059", "Location/ward-3"])
        #expect(visits[0].minutes == 180 && visits[1].minutes == 30)
        let visitors = tracing.visitors(among: Self.others)
        #expect(visitors["later"] == ["geo:42.36,-71.059"] && visitors["ward"] == ["Location/ward-3"])
        #expect(visitors["far"] == nil && visitors["index"] == nil)
    }
}

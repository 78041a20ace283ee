import Foundation
import Testing

@testable import VigilCore

/// Location pings as devices send them, distances and grid cells, and what consents to keep them.
@Suite struct WhereaboutsTests {
    static let now: Int64 = 1_772_352_000_000  // 2026-03-01T08:00:00Z

    @Test func pingsAreReadBesideReadingsAndRefusedWithTheirReasonsWithoutTheirPayload() throws {
        let body = try JSON.parse(
            """
            {"readings": [
              {"seq": 1, "time": "2026-03-01T07:55:00Z", "code": "8867-4", "value": 72, "unit": "/min"},
              {"seq": 2, "time": "2026-03-01T07:55:00Z", "position": {"latitude": 42.3601, "longitude": -71.0589, "accuracy": 8}},
              {"seq": 3, "boot": "b2", "time": "2026-03-01T07:56:00Z", "place": "Location/school-1"},
              {"seq": 4, "time": "2026-03-01T07:56:00Z", "position": {"latitude": 95, "longitude": 0}},
              {"seq": 5, "time": "2026-03-01T07:56:00Z", "place": "Patient/p1"},
              {"seq": 6, "time": "2026-03-01T07:56:00Z", "position": {"latitude": 1, "longitude": 2}, "speed": 3},
              {"seq": 7, "time": "2026-03-01T09:56:00Z", "place": "Location/x"}
            ]}
            """)
        let result = try ReadingBatchDecoder().decode(body, now: Self.now)
        #expect(result.submissions.map(\.seq) == [1] && result.count == 7 && result.seqs.sorted() == [1, 2, 3, 4, 5, 6, 7])
        #expect(
            result.pings == [
                PingSubmission(
                    index: 1, boot: "0", seq: 2, time: Self.now - 300_000, position: GeoPosition(latitude: 42.3601, longitude: -71.0589, accuracy: 8),
                    place: nil),
                PingSubmission(index: 2, boot: "b2", seq: 3, time: Self.now - 240_000, position: nil, place: "school-1"),
            ])
        let reasons = result.rejections.map(\.reason)
        #expect(reasons[0].contains("latitude must be from -90 to 90"))
        #expect(reasons[1].contains("place must be a Location reference"))
        #expect(reasons[2].contains("unknown field speed"))
        #expect(reasons[3].contains("ahead of the server's clock") && result.rejections[3].clockAhead)
        // Where someone was is not kept in quarantine.
        #expect(result.rejections.allSatisfy { $0.withheld && $0.payload.isEmpty })
    }

    @Test func distancesAndTheCellsThatHoldThem() {
        let a = GeoPosition(latitude: 42.3601, longitude: -71.0589)
        let b = GeoPosition(latitude: 42.3601, longitude: -71.0589 + 0.0001)  // ~8.2 m east
        #expect(abs(a.distance(to: b) - 8.22) < 0.05)
        #expect(abs(GeoPosition(latitude: 0, longitude: 0).distance(to: GeoPosition(latitude: 1, longitude: 0)) - 111_195) < 1)
        // Every point within the distance is in one of the cells, even across a cell's edge and far north.
        for origin in [a, GeoPosition(latitude: 69.65, longitude: 18.96), GeoPosition(latitude: -33.9, longitude: 151.2)] {
            let cells = Set(origin.cells(within: 100))
            for bearing in stride(from: 0.0, to: 360, by: 15) {
                let radians = bearing * .pi / 180
                let point = GeoPosition(
                    latitude: origin.latitude + 99 / 111_195 * cos(radians),
                    longitude: origin.longitude + 99 / (111_195 * cos(origin.latitude * .pi / 180)) * sin(radians))
                #expect(origin.distance(to: point) <= 100 && cells.contains(point.cell), "\(origin) \(bearing)")
            }
        }
    }

    static func consent(status: String = "active", type: String? = nil, start: String? = nil, end: String? = nil, about: String = "location") -> JSON
    {
        var provision: JSONObject = [:]
        if let type { provision["type"] = .string(type) }
        if start != nil || end != nil {
            var period: JSONObject = [:]
            if let start { period["start"] = .string(start) }
            if let end { period["end"] = .string(end) }
            provision["period"] = .object(period)
        }
        return [
            "resourceType": "Consent", "status": .string(status), "patient": ["reference": "Patient/p1"],
            "category": [["coding": [["system": .string(LocationConsent.system), "code": .string(about)]]]],
            "provision": .object(provision),
        ]
    }

    @Test func windowsAreMergedPerCellAndPlace() {
        let merged = PingWindow.merged([
            PingWindow(cell: 7, from: 100, to: 200), PingWindow(cell: 7, place: "ward", from: 150, to: 300),
            PingWindow(cell: 7, from: 300, to: 400), PingWindow(cell: 7, from: 401, to: 500), PingWindow(cell: 8, from: 0, to: 1000),
            PingWindow(place: "ward", from: 0, to: 160),
        ])
        #expect(
            merged == [
                PingWindow(place: "ward", from: 0, to: 300), PingWindow(cell: 7, from: 100, to: 400), PingWindow(cell: 7, from: 401, to: 500),
                PingWindow(cell: 8, from: 0, to: 1000),
            ])
    }

    @Test func onlyAnActivePermitAboutLocationCoveringTheTimeConsents() {
        #expect(LocationConsent.permits([Self.consent()], at: Self.now))
        #expect(LocationConsent.permits([Self.consent(type: "permit", start: "2026-02-01", end: "2026-03-01")], at: Self.now))
        #expect(!LocationConsent.permits([], at: Self.now))
        for refused in [
            Self.consent(status: "inactive"), Self.consent(status: "draft"), Self.consent(status: "entered-in-error"), Self.consent(type: "deny"),
            Self.consent(start: "2026-03-02"), Self.consent(end: "2026-02-28"), Self.consent(about: "research"),
        ] {
            #expect(!LocationConsent.permits([refused], at: Self.now), "\(refused)")
        }
        #expect(LocationConsent.permits([Self.consent(status: "inactive"), Self.consent()], at: Self.now))
    }

    /// The purpose of use is sealed when stated; a record without one seals as before it existed.
    @Test func thePurposeIsSealedOnlyWhenStated() {
        let event = AuditEvent(time: 1, actor: "user/ph", role: "public-health", action: .execute, resource: "exposures")
        var stated = event
        stated.purpose = "measles contact tracing"
        #expect(String(decoding: event.canonicalBytes(seq: 1), as: UTF8.self).hasSuffix("\u{1F}\u{1F}"))
        #expect(String(decoding: stated.canonicalBytes(seq: 1), as: UTF8.self).hasSuffix("\u{1F}measles contact tracing"))
    }
}

import Testing
import VigilCore

extension StoreConformance {
    static func ping(_ device: String, _ seq: Int64, patient: String, at time: Int64, latitude: Double? = nil, place: String? = nil) -> LocationPing {
        LocationPing(
            key: ProducerKey(device: device, boot: "b1", seq: seq), patient: patient, time: time,
            position: latitude.map { GeoPosition(latitude: $0, longitude: -71.0589, accuracy: 5) }, place: place, received: time + 50)
    }

    static let whereaboutsChecks: [(name: String, check: Check)] = [
        (
            "pings are kept once and read by patient, by cell and by place",
            { store in
                let t = Fixture.t0
                let pings = [
                    ping("w1", 1, patient: "p1", at: t, latitude: 42.3601), ping("w1", 2, patient: "p1", at: t + 300_000, place: "school"),
                    ping("w2", 1, patient: "p2", at: t + 10_000, latitude: 42.36012), ping("w3", 1, patient: "p3", at: t, latitude: 42.5),
                ]
                #expect(try await store.commit(IngestCommit(pings: pings), sealer: Fixture.sealer).allSatisfy { $0 != nil })
                #expect(try await store.commit(IngestCommit(pings: [pings[0]]), sealer: Fixture.sealer) == [nil], "a resend is a duplicate")
                #expect(try await store.pings(patient: "p1", from: t, to: t + 1_000_000) == Array(pings.prefix(2)))
                #expect(try await store.pings(patient: "p1", from: t + 1, to: t + 1_000_000).map(\.key.seq) == [2])
                let cell = try #require(pings[0].position?.cell)
                let near = try await store.pings(in: [
                    PingWindow(cell: cell, from: t, to: t + 1_000_000), PingWindow(place: "school", from: t, to: t + 1_000_000),
                    PingWindow(cell: cell, from: t, to: t + 5000),
                ])
                #expect(near.map(\.patient) == ["p1", "p2", "p1"] && near[1].position == pings[2].position, "each once, in time order")
                #expect(try await store.pings(in: [PingWindow(cell: cell, from: t + 1, to: t + 20_000)]).map(\.patient) == ["p2"])
                #expect(try await store.pingPatients() == ["p1", "p2", "p3"])
            }
        ),
        (
            "pings are erased by patient and by age",
            { store in
                let t = Fixture.t0
                _ = try await store.commit(
                    IngestCommit(pings: [
                        ping("w1", 1, patient: "p1", at: t, place: "a"), ping("w1", 2, patient: "p1", at: t + 1000, place: "a"),
                        ping("w2", 1, patient: "p2", at: t, place: "a"), ping("w2", 2, patient: "p2", at: t + 2000, place: "a"),
                    ]), sealer: Fixture.sealer)
                let withdrawn = try await store.applyOne(Change(.erasePings(PingErasure(patient: "p1"))), sealer: Fixture.sealer).applied
                #expect(withdrawn == .erased(2))
                let old = try await store.applyOne(Change(.erasePings(PingErasure(before: t + 1000))), sealer: Fixture.sealer).applied
                #expect(old == .erased(1))
                #expect(try await store.pings(in: [PingWindow(place: "a", from: 0, to: .max)]).map(\.key.seq) == [2])
                #expect(try await store.pingPatients() == ["p2"])
            }
        ),
        (
            "an audit event keeps its purpose of use",
            { store in
                let event = AuditEvent(
                    time: Fixture.t0, actor: "user/ph", role: "public-health", patient: "p1", action: .execute, resource: "exposures",
                    detail: "2 contacts", purpose: "measles outbreak, case 7")
                try await store.appendAudit(
                    [event, AuditEvent(time: Fixture.t0, actor: "user/a", role: "admin", action: .read, resource: "x")], sealer: Fixture.sealer)
                let records = try await store.auditRecords(after: 0, limit: 10)
                #expect(records.map(\.event.purpose) == ["measles outbreak, case 7", nil] && records[0].event == event)
            }
        ),
    ]
}

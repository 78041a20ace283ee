import Testing
import VigilCore

extension StoreConformance {
    static func screening(_ device: String, _ seq: Int64, site: String, celsius: Double, at time: Int64) -> ScreeningEvent {
        ScreeningEvent(key: ProducerKey(device: device, boot: "b1", seq: seq), site: site, time: time, celsius: celsius, received: time + 100)
    }

    static let screeningChecks: [(name: String, check: Check)] = [
        (
            "screenings are kept per site once, beside readings, and read back by site and time",
            { store in
                try await store.write([Fixture.patient("p1"), Fixture.device("d1", patient: "p1")], audit: [], sealer: Fixture.sealer)
                let t = Fixture.t0
                let batch = IngestCommit(
                    readings: [Fixture.reading("d1", 1, patient: "p1", at: t)],
                    screenings: [
                        screening("kiosk", 1, site: "gate-a", celsius: 36.6, at: t),
                        screening("kiosk", 2, site: "gate-a", celsius: 38.4, at: t + 1000),
                        screening("other", 1, site: "gate-b", celsius: 37.0, at: t),
                    ])
                let ids = try await store.commit(batch, sealer: Fixture.sealer)
                #expect(ids.count == 4 && ids.allSatisfy { $0 != nil })
                // A resend, and one new screening: only the new one is stored.
                let again = IngestCommit(
                    screenings: [
                        screening("kiosk", 2, site: "gate-a", celsius: 38.4, at: t + 1000),
                        screening("kiosk", 3, site: "gate-a", celsius: 37.1, at: t + 2000),
                    ])
                #expect(try await store.commit(again, sealer: Fixture.sealer).map { $0 != nil } == [false, true])
                let site = try await store.screenings(site: "gate-a", from: t, to: t + 2000)
                #expect(site.map(\.celsius) == [36.6, 38.4])
                #expect(site.map(\.key.seq) == [1, 2] && site.allSatisfy { $0.site == "gate-a" })
                #expect(try await store.screenings(site: "gate-a", from: t + 1, to: t + 3000).map(\.key.seq) == [2, 3])
                #expect(try await store.screenings(site: "gate-c", from: 0, to: .max).isEmpty)
                #expect(try await store.screeningSites() == ["gate-a", "gate-b"])
                // A screening is no reading: the patient's record holds only the one reading.
                #expect(try await store.readings(patients: ["p1"], since: 0, before: nil).count == 1)
            }
        )
    ]
}

import Testing
import VigilCore

extension StoreConformance {
    static let readingChecks: [(name: String, check: Check)] = [
        (
            "a reading is stored once per producer key",
            { store in
                try await Fixture.seeded(store)
                let first = try await store.commit(
                    IngestCommit(readings: [
                        Fixture.reading("d1", 1, patient: "p1", at: Fixture.t0), Fixture.reading("d1", 2, patient: "p1", at: Fixture.t0 + 1000),
                        Fixture.reading("d1", 1, patient: "p1", at: Fixture.t0),
                    ]), sealer: Fixture.sealer)
                #expect(first.map { $0 != nil } == [true, true, false])
                let again = try await store.commit(
                    IngestCommit(readings: [
                        Fixture.reading("d1", 2, patient: "p1", at: Fixture.t0 + 1000),
                        Fixture.reading("d1", 1, patient: "p1", at: Fixture.t0, boot: "b2"),
                    ]), sealer: Fixture.sealer)
                #expect(again.map { $0 != nil } == [false, true])
                #expect(try await search(store, .observation, [("patient", "p1"), ("_count", "100")]).count == 3)
            }
        ),
        (
            "readings are Observations beside stored ones",
            { store in
                try await Fixture.seeded(store)
                try await store.write(
                    [Fixture.observation("manual", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:30Z")], audit: [], sealer: Fixture.sealer)
                _ = try await store.commit(
                    IngestCommit(readings: [
                        Fixture.reading("d1", 1, patient: "p1", at: Fixture.t0), Fixture.reading("d1", 2, patient: "p1", at: Fixture.t0 + 60_000),
                        Fixture.reading("d1", 3, patient: "p1", code: "9279-1", value: 16, at: Fixture.t0 + 90_000),
                    ]), sealer: Fixture.sealer)
                let stored = try #require(try await store.reading(key: ProducerKey(device: "d1", boot: "b1", seq: 2)))
                let ids = try await search(store, .observation, [("patient", "p1"), ("code", "http://loinc.org|8867-4")])
                #expect(ids == [String(stored.id), "manual", String(stored.id - 1)])
                let read = try #require(try await store.resource(.observation, id: String(stored.id)))
                #expect(read.json["valueQuantity"]?["value"] == 72 && read.json["device"]?["reference"] == "Device/d1")
                #expect(read.compartment == "Patient/p1")
                #expect(try await store.resource(.observation, id: String(stored.id), version: 1) == read)
                #expect(try await search(store, .observation, [("identifier", "\(ProducerKey.system)|d1/b1/3")]).count == 1)
                #expect(try await search(store, .observation, [("device", "Device/d1")]).count == 3)
                #expect(try await search(store, .observation, [("category", "vital-signs")]).count == 3)
                #expect(try await search(store, .observation, [("status", "final")]).count == 4)
                #expect(try await search(store, .observation, [("status", "preliminary")]).isEmpty)
                #expect(try await search(store, .observation, [("performer", "Practitioner/x")]).isEmpty)
                #expect(try await search(store, .observation, [("date", "ge2026-03-01T08:01:00Z")]).count == 2)
                #expect(try await search(store, .observation, [("_id", String(stored.id))]).count == 1)
                #expect(
                    try await search(store, .observation, [("patient", "p1")], scope: .compartments(["Patient/p2"], includeUnassigned: true)).isEmpty)
            }
        ),
        (
            "an export reads a type's current resources page by page, then for Observation the readings",
            { store in
                try await Fixture.seeded(store)
                try await store.write([Fixture.patient("p3")], audit: [], sealer: Fixture.sealer)
                var gone = try #require(try await store.resource(.patient, id: "p3"))
                (gone.version, gone.isDeleted) = (2, true)
                try await store.write(
                    [
                        ResourceWrite(mode: .delete(replacing: 1), resource: gone, index: [], accessLinks: []),
                        Fixture.observation("manual", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:30Z"),
                    ], audit: [], sealer: Fixture.sealer)
                _ = try await store.commit(
                    IngestCommit(readings: (1...3).map { Fixture.reading("d1", $0, patient: "p1", at: Fixture.t0 + $0 * 60_000) }),
                    sealer: Fixture.sealer)
                func export(_ type: FHIRResourceType, since: Int64? = nil, limit: Int) async throws -> (ids: [String], pages: Int) {
                    var (ids, pages, cursor) = ([String](), 0, Optional(ExportCursor.start))
                    while let at = cursor {
                        let page = try await store.exportPage(type, after: at, since: since, limit: limit)
                        #expect(page.resources.count <= limit)
                        ids += page.resources.map(\.id)
                        (pages, cursor) = (pages + 1, page.next)
                    }
                    return (ids, pages)
                }
                #expect(try await export(.patient, limit: 1).ids == ["p1", "p2"], "the deleted p3 is not exported")
                var readings: [StoredReading] = []
                for seq in Int64(1)...3 {
                    readings.append(try #require(try await store.reading(key: ProducerKey(device: "d1", boot: "b1", seq: seq))))
                }
                let observations = try await export(.observation, limit: 2)
                #expect(observations.ids == ["manual"] + readings.map { String($0.id) } && observations.pages == 3, "a last page finds the end")
                #expect(try await export(.observation, limit: 100).pages == 1)
                let since = try await export(.observation, since: readings[1].reading.received, limit: 100).ids
                #expect(since.suffix(2) == readings.suffix(2).map { String($0.id) } && !since.contains(String(readings[0].id)))
                // Each as the FHIR API serves it.
                let page = try await store.exportPage(.observation, after: .start, since: nil, limit: 2)
                #expect(page.resources[0].json == (try await store.resource(.observation, id: "manual"))?.json.serialized())
                #expect(page.resources[1].json == (try await store.resource(.observation, id: String(readings[0].id)))?.json.serialized())
                #expect(page.resources.map(\.compartment) == ["Patient/p1", "Patient/p1"])
                #expect(try await export(.device, limit: 10).ids == ["d1"])
                #expect(try await export(.condition, limit: 10).ids.isEmpty)
            }
        ),
        (
            "the values of a code are its stored Observations' quantities, then its readings, page by page",
            { store in
                try await Fixture.seeded(store)
                func observation(_ id: String, code: String = "8867-4", value: JSON?, status: String = "final") -> ResourceWrite {
                    var json: JSONObject = [
                        "resourceType": "Observation", "status": .string(status), "subject": ["reference": "Patient/p2"],
                        "code": ["coding": [["system": "http://loinc.org", "code": .string(code)]]], "effectiveDateTime": "2026-02-01T10:00:00Z",
                    ]
                    if let value { json["valueQuantity"] = ["value": value, "unit": "/min"] }
                    return Fixture.write(.object(json), .observation, id: id)
                }
                try await store.write(
                    [
                        observation("a", value: 61), observation("b", value: .double(62.5)), observation("text", value: nil),
                        observation("other", code: "9279-1", value: 18), observation("error", value: 99, status: "entered-in-error"),
                    ], audit: [], sealer: Fixture.sealer)
                _ = try await store.commit(
                    IngestCommit(
                        readings: (1...3).map { Fixture.reading("d1", $0, patient: "p1", value: Double(70 + $0), at: Fixture.t0 + $0 * 60_000) }
                            + [Fixture.reading("d1", 4, patient: "p1", code: "9279-1", value: 16, at: Fixture.t0)]),
                    sealer: Fixture.sealer)
                var (values, pages, cursor) = ([ValuePage.Entry](), 0, Optional(ValuePage.Cursor.start))
                while let at = cursor {
                    let page = try await store.values(of: "8867-4", after: at, limit: 2)
                    #expect(page.values.count <= 2)
                    (values, pages, cursor) = (values + page.values, pages + 1, page.next)
                }
                let effective = try #require(FHIRDateTime("2026-02-01T10:00:00Z")).lowerBound
                // Each value names its patient by the key the population table holds for them.
                let table = try await store.populationTable()
                let (p1, p2) = (try #require(table.person("p1")?.key), try #require(table.person("p2")?.key))
                #expect(p1 != p2)
                #expect(
                    values == [.init(patientKey: p2, value: 61, time: effective), .init(patientKey: p2, value: 62.5, time: effective)]
                        + (1...3).map { .init(patientKey: p1, value: Double(70 + $0), time: Fixture.t0 + $0 * 60_000) })
                // Parts read side by side read the same values, each once.
                for count in 1...3 {
                    var read: [ValuePage.Entry] = []
                    for part in try await store.valueParts(of: "8867-4", count: count) {
                        var cursor = Optional(part)
                        while let at = cursor {
                            let page = try await store.values(of: "8867-4", after: at, limit: 2)
                            (read, cursor) = (read + page.values, page.next)
                        }
                    }
                    #expect(read == values, "\(count) parts")
                }
                #expect(try await store.valueParts(of: "2708-6", count: 2) == [.start])
                #expect(try await store.values(of: "9279-1", after: .start, limit: 10).values.map(\.value) == [18, 16])
                #expect(try await store.values(of: "2708-6", after: .start, limit: 10).values.isEmpty)
            }
        ),
        (
            "a refused reading sent again is quarantined once",
            { store in
                try await Fixture.seeded(store)
                let entry = QuarantineEntry(
                    device: "d1", boot: "b1", seq: 5, index: 0, reason: "implausible", payload: "{}", source: "http", received: Fixture.t0)
                _ = try await store.commit(IngestCommit(quarantine: [entry, entry]), sealer: Fixture.sealer)
                var noKey = entry
                noKey.seq = nil
                _ = try await store.commit(IngestCommit(quarantine: [noKey, noKey]), sealer: Fixture.sealer)
                let listed = try await store.quarantine(device: "d1", limit: 10, offset: 0)
                #expect(listed.count == 3)
                #expect(listed.last?.reason == "implausible" && listed.last?.seq == 5)
                #expect(try await store.quarantine(device: "other", limit: 10, offset: 0).isEmpty)
            }
        ),
        (
            "a commit of readings, quarantine and audit is one transaction",
            { store in
                try await Fixture.seeded(store)
                let broken = Fixture.reading("unknown-device", 1, patient: "p1", at: Fixture.t0)
                await #expect(throws: (any Error).self) {
                    try await store.commit(
                        IngestCommit(readings: [Fixture.reading("d1", 1, patient: "p1", at: Fixture.t0), broken]), audit: [Fixture.event(1)],
                        sealer: Fixture.sealer)
                }
                #expect(try await store.reading(key: ProducerKey(device: "d1", boot: "b1", seq: 1)) == nil)
                #expect(try await store.auditHead() == nil)
            }
        ),
    ]
}

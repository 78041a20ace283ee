import Testing
import VigilCore

extension StoreConformance {
    static let resourceChecks: [(name: String, check: Check)] = [
        (
            "a created resource reads back with its version and compartment",
            { store in
                try await store.write(
                    [Fixture.patient("p1"), Fixture.observation("o1", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:00Z")], audit: [],
                    sealer: Fixture.sealer)
                let patient = try #require(try await store.resource(.patient, id: "p1"))
                #expect(patient.version == 1 && patient.compartment == "Patient/p1" && patient.json["name"]?[0]?["family"] == "Doe")
                #expect(patient.json["meta"]?["versionId"] == "1")
                let observation = try #require(try await store.resource(.observation, id: "o1"))
                #expect(observation.compartment == "Patient/p1")
                #expect(try await store.resource(.patient, id: "missing") == nil)
                #expect(try await store.resource(.observation, id: "p1") == nil)
            }
        ),
        (
            "creating an id that exists is a conflict",
            { store in
                try await store.write([Fixture.patient("p1")], audit: [], sealer: Fixture.sealer)
                await #expect(throws: VigilError.self) { try await store.write([Fixture.patient("p1")], audit: [], sealer: Fixture.sealer) }
            }
        ),
        (
            "an update replaces the resource and keeps every version",
            { store in
                try await store.write([Fixture.patient("p1")], audit: [], sealer: Fixture.sealer)
                let update = Fixture.write(
                    ["resourceType": "Patient", "name": [["family": "Smith"]]], .patient, id: "p1", version: 2, at: Fixture.t0 + 1000,
                    mode: .update(replacing: 1))
                try await store.write([update], audit: [], sealer: Fixture.sealer)
                #expect(try await store.resource(.patient, id: "p1")?.version == 2)
                #expect(try await store.resource(.patient, id: "p1", version: 1)?.json["name"]?[0]?["family"] == "Doe")
                #expect(try await store.resource(.patient, id: "p1", version: 2)?.json["name"]?[0]?["family"] == "Smith")
                #expect(try await store.search(FHIRSearchQuery(type: .patient, filters: [family("doe")])).resources.isEmpty)
                #expect(try await store.search(FHIRSearchQuery(type: .patient, filters: [family("smi")])).resources.count == 1)
            }
        ),
        (
            "a deletion is a version: searches leave it out, its history stays, referrers are named",
            { store in
                try await store.write(
                    [
                        Fixture.patient("p1"), Fixture.patient("p2"),
                        Fixture.observation("o1", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:00Z"),
                    ],
                    audit: [], sealer: Fixture.sealer)
                #expect(try await store.referrers(of: FHIRReference(type: "Patient", id: "p1"), limit: 5) == ["Observation/o1"])
                #expect(try await store.referrers(of: FHIRReference(type: "Patient", id: "p2"), limit: 5).isEmpty)
                var gone = try #require(try await store.resource(.observation, id: "o1"))
                (gone.version, gone.lastUpdated, gone.isDeleted) = (2, Fixture.t0 + 1000, true)
                try await store.write(
                    [ResourceWrite(mode: .delete(replacing: 1), resource: gone, index: [], accessLinks: [])], audit: [], sealer: Fixture.sealer)
                let current = try #require(try await store.resource(.observation, id: "o1"))
                #expect(current.isDeleted && current.version == 2 && current.compartment == "Patient/p1")
                #expect(try await store.resource(.observation, id: "o1", version: 1)?.isDeleted == false)
                #expect(try await store.resource(.observation, id: "o1", version: 2)?.isDeleted == true)
                #expect(try await store.search(FHIRSearchQuery(type: .observation)).resources.isEmpty)
                #expect(try await store.referrers(of: FHIRReference(type: "Patient", id: "p1"), limit: 5).isEmpty)
                let history = try await store.history(HistoryQuery(type: .observation, id: "o1", count: 10))
                #expect(history.map(\.version) == [2, 1] && history.map(\.isDeleted) == [true, false])
                #expect(history.allSatisfy { $0.compartment == "Patient/p1" })
                let system = try await store.history(HistoryQuery(type: nil, since: Fixture.t0 + 1000, count: 10))
                #expect(system.map(\.id) == ["o1"])
                let scoped = try await store.history(
                    HistoryQuery(type: .patient, scope: .compartments(["Patient/p2"], includeUnassigned: false), count: 10))
                #expect(scoped.map(\.id) == ["p2"])
                #expect(try await store.history(HistoryQuery(type: nil, count: 1)).count == 1)
            }
        ),
        (
            "an update of a version that is no longer current is a conflict",
            { store in
                try await store.write([Fixture.patient("p1")], audit: [], sealer: Fixture.sealer)
                let stale = Fixture.write(["resourceType": "Patient"], .patient, id: "p1", version: 3, mode: .update(replacing: 2))
                let error = await #expect(throws: VigilError.self) { try await store.write([stale], audit: [], sealer: Fixture.sealer) }
                #expect(error?.code == .conflict)
                let missing = Fixture.write(["resourceType": "Patient"], .patient, id: "p9", version: 2, mode: .update(replacing: 1))
                let notFound = await #expect(throws: VigilError.self) { try await store.write([missing], audit: [], sealer: Fixture.sealer) }
                #expect(notFound?.code == .notFound)
            }
        ),
        (
            "a write is all or nothing, audit included",
            { store in
                try await store.write([Fixture.patient("p1")], audit: [Fixture.event(1)], sealer: Fixture.sealer)
                await #expect(throws: VigilError.self) {
                    try await store.write([Fixture.patient("p2"), Fixture.patient("p1")], audit: [Fixture.event(2)], sealer: Fixture.sealer)
                }
                #expect(try await store.resource(.patient, id: "p2") == nil)
                #expect(try await store.auditHead()?.seq == 1)
            }
        ),
        (
            "a device's patient links follow its updates",
            { store in
                try await Fixture.seeded(store)
                var moved = Fixture.device("d1", patient: "p2")
                moved.mode = .update(replacing: 1)
                moved.resource.version = 2
                moved.resource.lastUpdated = Fixture.t0 + 10_000
                try await store.write([moved], audit: [], sealer: Fixture.sealer)
                var removed = Fixture.device("d1", patient: nil)
                removed.mode = .update(replacing: 2)
                removed.resource.version = 3
                removed.resource.lastUpdated = Fixture.t0 + 20_000
                try await store.write([removed], audit: [], sealer: Fixture.sealer)
                let history = try await store.deviceLinks(device: "d1")
                #expect(
                    history.links == [
                        DeviceLink(patient: "p1", start: Fixture.t0, end: Fixture.t0 + 10_000),
                        DeviceLink(patient: "p2", start: Fixture.t0 + 10_000, end: Fixture.t0 + 20_000),
                    ])
                #expect(try await store.deviceLinks(device: "nobody").links.isEmpty)
                // Each version is in the compartment it named: the first in p1's record, not p2's.
                #expect(try await store.resource(.device, id: "d1", version: 1)?.compartment == "Patient/p1")
                #expect(try await store.resource(.device, id: "d1", version: 2)?.compartment == "Patient/p2")
                #expect(try await store.resource(.device, id: "d1", version: 3)?.compartment == nil)
            }
        ),
        (
            "a link can start earlier than the write",
            { store in
                try await store.write([Fixture.patient("p1")], audit: [], sealer: Fixture.sealer)
                var device = Fixture.device("d1", patient: "p1")
                device.linkStart = Fixture.t0 - 60_000
                try await store.write([device], audit: [], sealer: Fixture.sealer)
                #expect(try await store.deviceLinks(device: "d1").patient(at: Fixture.t0 - 60_000) == "p1")
            }
        ),
        (
            "care teams and groups open compartments to their participants",
            { store in
                try await store.write(
                    [
                        Fixture.patient("p1"), Fixture.patient("p2"), Fixture.patient("p3"),
                        Fixture.write(
                            [
                                "resourceType": "Group", "type": "person", "actual": true,
                                "member": [["entity": ["reference": "Patient/p2"]], ["entity": ["reference": "Patient/p3"], "inactive": true]],
                            ], .group, id: "ward"),
                        Fixture.write(
                            [
                                "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Patient/p1"],
                                "participant": [["member": ["reference": "Practitioner/n1"]]],
                            ], .careTeam, id: "t1"),
                        Fixture.write(
                            [
                                "resourceType": "CareTeam", "subject": ["reference": "Group/ward"],
                                "participant": [["member": ["reference": "Practitioner/n1"], "period": ["start": "2026-01-01"]]],
                            ], .careTeam, id: "t2"),
                    ], audit: [], sealer: Fixture.sealer)
                let scope = try await store.accessScope(member: "Practitioner/n1", at: Fixture.t0)
                #expect(scope.compartments == ["Patient/p1", "Patient/p2", "Group/ward"])
                #expect(try await store.accessScope(member: "Practitioner/n1", at: Fixture.t0 - 200 * 86_400_000).compartments == ["Patient/p1"])
                #expect(try await store.accessScope(member: "Practitioner/n2", at: Fixture.t0) == .nothing)
                let ended = Fixture.write(
                    [
                        "resourceType": "CareTeam", "status": "inactive", "subject": ["reference": "Patient/p1"],
                        "participant": [["member": ["reference": "Practitioner/n1"]]],
                    ], .careTeam, id: "t1", version: 2, mode: .update(replacing: 1))
                try await store.write([ended], audit: [], sealer: Fixture.sealer)
                #expect(try await store.accessScope(member: "Practitioner/n1", at: Fixture.t0).patients == ["p2"])
            }
        ),
    ]

    static func family(_ text: String) -> FHIRSearchQuery.Filter {
        FHIRSearchQuery.Filter(parameter: FHIRSearchParameter.parameters(of: .patient)["family"]!, values: [.string(text, .prefix)])
    }
}

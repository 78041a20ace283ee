import Testing
import VigilCore

extension StoreConformance {
    static func parameter(_ type: FHIRResourceType, _ name: String) -> FHIRSearchParameter {
        FHIRSearchParameter.parameters(of: type)[name]!
    }

    /// The ids a search finds; every search is also asked for its ids alone, which must agree.
    static func search(_ store: any VigilStore, _ type: FHIRResourceType, _ parameters: [(String, String)], scope: FHIRSearchQuery.Scope = .all)
        async throws -> [String]
    {
        var query = try FHIRSearchQuery.parse(type: type, parameters: parameters.map { (name: $0.0, value: $0.1) })
        query.scope = scope
        let ids = try await store.search(query).resources.map(\.id)
        #expect(try await store.searchIDs(query) == ids, "searchIDs of \(type.rawValue)?\(parameters)")
        return ids
    }

    static let searchChecks: [(name: String, check: Check)] = [
        (
            "search matches tokens, references, dates and strings",
            { store in
                try await Fixture.seeded(store)
                try await store.write(
                    [
                        Fixture.observation("o1", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:00Z"),
                        Fixture.observation("o2", patient: "p1", code: "9279-1", at: "2026-03-02T08:00:00Z"),
                        Fixture.observation("o3", patient: "p2", code: "8867-4", at: "2026-03-03T08:00:00Z"),
                    ], audit: [], sealer: Fixture.sealer)
                #expect(Set(try await search(store, .observation, [("code", "8867-4")])) == ["o1", "o3"])
                #expect(try await search(store, .observation, [("code", "http://loinc.org|9279-1")]) == ["o2"])
                #expect(try await search(store, .observation, [("code", "http://snomed.info/sct|9279-1")]) == [])
                #expect(try await search(store, .observation, [("code", "|9279-1")]) == [])
                #expect(Set(try await search(store, .observation, [("patient", "p1")])) == ["o1", "o2"])
                #expect(try await search(store, .observation, [("patient", "Patient/p1"), ("code", "9279-1")]) == ["o2"])
                #expect(Set(try await search(store, .observation, [("date", "ge2026-03-02")])) == ["o2", "o3"])
                #expect(try await search(store, .observation, [("date", "2026-03-01")]) == ["o1"])
                #expect(Set(try await search(store, .observation, [("date", "lt2026-03-03"), ("date", "gt2026-03-01")])) == ["o2"])
                #expect(try await search(store, .patient, [("name", "ro")]) == ["p2"])
                #expect(try await search(store, .patient, [("name:exact", "Roe")]) == ["p2"])
                #expect(try await search(store, .patient, [("name:exact", "roe")]) == [])
                #expect(try await search(store, .patient, [("name:contains", "o")]).count == 2)
                #expect(try await search(store, .patient, [("_id", "p2,p9")]) == ["p2"])
                #expect(try await search(store, .device, [("patient", "p1")]) == ["d1"])
                #expect(Set(try await search(store, .patient, [("birthdate:missing", "true")])) == ["p1", "p2"])
                #expect(try await search(store, .patient, [("birthdate:missing", "false")]) == [])
            }
        ),
        (
            "search stays within the scope",
            { store in
                try await Fixture.seeded(store)
                try await store.write(
                    [
                        Fixture.write(["resourceType": "Practitioner", "name": [["family": "Nurse"]]], .practitioner, id: "n1"),
                        Fixture.observation("o1", patient: "p1", code: "8867-4", at: "2026-03-01T08:00:00Z"),
                        Fixture.observation("o2", patient: "p2", code: "8867-4", at: "2026-03-01T08:00:00Z"),
                    ], audit: [], sealer: Fixture.sealer)
                let onlyP1 = FHIRSearchQuery.Scope.compartments(["Patient/p1"], includeUnassigned: false)
                #expect(try await search(store, .observation, [], scope: onlyP1) == ["o1"])
                #expect(try await search(store, .observation, [("patient", "p2")], scope: onlyP1) == [])
                #expect(try await search(store, .patient, [], scope: onlyP1) == ["p1"])
                #expect(try await search(store, .practitioner, [], scope: onlyP1) == [])
                #expect(try await search(store, .practitioner, [], scope: .compartments([], includeUnassigned: true)) == ["n1"])
            }
        ),
        (
            "search pages, sorts and counts",
            { store in
                var writes = [Fixture.patient("p1")]
                for day in 1...9 {
                    writes.append(Fixture.observation("o\(day)", patient: "p1", code: "8867-4", at: "2026-03-0\(day)T08:00:00Z"))
                }
                try await store.write(writes, audit: [], sealer: Fixture.sealer)
                var query = try FHIRSearchQuery.parse(
                    type: .observation, parameters: [(name: "_count", value: "4"), (name: "_total", value: "accurate")])
                var page = try await store.search(query)
                #expect(page.resources.map(\.id) == ["o9", "o8", "o7", "o6"])
                #expect(page.hasMore && page.total == 9)
                query.offset = 8
                page = try await store.search(query)
                #expect(page.resources.map(\.id) == ["o1"] && !page.hasMore)
                #expect(try await search(store, .observation, [("_sort", "date"), ("_count", "2")]) == ["o1", "o2"])
                #expect(try await search(store, .observation, [("_sort", "-_id"), ("_count", "1")]) == ["o9"])
                #expect(
                    try await store.search(FHIRSearchQuery(type: .observation, count: 0, includeTotal: true))
                        == SearchPage(resources: [], next: nil, total: 9))
            }
        ),
    ]
}

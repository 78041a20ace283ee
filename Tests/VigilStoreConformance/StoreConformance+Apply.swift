import Testing
import VigilCore

extension StoreConformance {
    static let applyChecks: [(name: String, check: Check)] = [
        (
            "one apply stores each change with its audit, and a change that fails does so alone",
            { store in
                try await Fixture.seeded(store)
                let before = try await store.auditHead()?.seq ?? 0
                let result = try await store.apply(
                    [
                        Change(
                            .readings(IngestCommit(readings: [Fixture.reading("d1", 10, patient: "p1", at: Fixture.t0)])), audit: [Fixture.event(1)]),
                        Change(.resources([Fixture.patient("p1")]), audit: [Fixture.event(2)]),
                        Change(.resources([Fixture.patient("p9")]), audit: [Fixture.event(3)]),
                        .audit([Fixture.event(4)]),
                    ], sealer: Fixture.sealer)
                guard case .success(.readings(let ids)) = result.outcomes[0] else {
                    Issue.record("readings: \(result.outcomes[0])")
                    return
                }
                #expect(ids.count == 1 && ids[0] != nil)
                #expect(throws: VigilError.self) { try result.outcomes[1].get() }
                #expect((try? result.outcomes[1].get()) == nil)
                if case .failure(let error) = result.outcomes[1] { #expect(error.code == .conflict) }
                #expect((try? result.outcomes[2].get()).map { if case .resources(let r) = $0 { r.map(\.id) } else { [] } } == ["p9"])
                #expect((try? result.outcomes[3].get()) == .audited)
                #expect(try await store.resource(.patient, id: "p9") != nil)
                #expect(try await store.reading(key: ProducerKey(device: "d1", boot: "b1", seq: 10)) != nil)
                // The failed change's audit event went with it; the others are chained in order.
                let records = try await store.auditRecords(after: before, limit: 100)
                #expect(records.map(\.event) == [Fixture.event(1), Fixture.event(3), Fixture.event(4)])
                #expect(result.auditHead == (try await store.auditHead()))
                #expect(result.auditHead?.seq == before + 3)
            }
        ),
        (
            "an apply whose changes all fail stores nothing and moves no audit head",
            { store in
                try await Fixture.seeded(store)
                let head = try await store.auditHead()
                let result = try await store.apply(
                    [Change(.resources([Fixture.patient("p1")]), audit: [Fixture.event(1)])], sealer: Fixture.sealer)
                #expect(result.auditHead == nil)
                #expect(try await store.auditHead() == head)
            }
        ),
    ]
}

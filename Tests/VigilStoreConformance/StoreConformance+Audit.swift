import Testing
import VigilCore

extension StoreConformance {
    static let auditChecks: [(name: String, check: Check)] = [
        (
            "audit events are chained in order by every kind of write",
            { store in
                #expect(try await store.auditHead() == nil)
                try await store.appendAudit([Fixture.event(1), Fixture.event(2)], sealer: Fixture.sealer)
                try await store.write([Fixture.patient("p1")], audit: [Fixture.event(3, patient: "p1")], sealer: Fixture.sealer)
                _ = try await store.commit(IngestCommit(), audit: [Fixture.event(4)], sealer: Fixture.sealer)
                _ = try await store.insert(
                    UserAccount(username: "u", role: .admin, fhirUser: nil, passwordHash: "h", created: 0), audit: [Fixture.event(5)],
                    sealer: Fixture.sealer)
                let records = try await store.auditRecords(after: 0, limit: 100)
                #expect(records.map(\.seq) == [1, 2, 3, 4, 5])
                #expect(records.map(\.event) == (1...5).map { Fixture.event($0, patient: $0 == 3 ? "p1" : nil) })
                var previous = [UInt8](repeating: 0, count: 32)
                for record in records {
                    #expect(record.hash == Fixture.sealer.seal(previous: previous, seq: record.seq, event: record.event))
                    previous = record.hash
                }
                #expect(try await store.auditHead() == AuditHead(seq: 5, hash: previous))
                #expect(try await store.auditRecords(after: 3, limit: 1).map(\.seq) == [4])
            }
        )
    ]
}

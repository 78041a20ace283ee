import Foundation
import GRDB
import Testing
import VigilCore
import VigilSQLite
import VigilStoreConformance

@Suite struct SQLiteStoreTests {
    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ name: String) async throws {
        let store = try SQLiteStore.temporary()
        try await StoreConformance.run(name, on: store)
    }

    @Test func commitsAreDurable() async throws {
        let store = try SQLiteStore.temporary()
        let queue = try DatabaseQueue(path: store.path)
        let (journal, synchronous) = try await queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journal == "wal")
        #expect(synchronous != nil)
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }

    @Test func theDatabaseRefusesToChangeReadingsAndAudit() async throws {
        let store = try SQLiteStore.temporary()
        try await store.write(
            [
                ResourcePreparation.write(["resourceType": "Patient"], type: .patient, id: "p1", version: 1, lastUpdated: 0, mode: .create),
                ResourcePreparation.write(
                    ["resourceType": "Device", "patient": ["reference": "Patient/p1"]], type: .device, id: "d1", version: 1, lastUpdated: 0,
                    mode: .create),
            ], audit: [AuditEvent(time: 0, actor: "a", role: "r", action: .read, resource: "x")], sealer: TestSealer())
        let reading = Reading(
            key: ProducerKey(device: "d1", boot: "0", seq: 1), patient: "p1", code: "8867-4", value: 70, unit: "/min", time: 1, received: 2)
        #expect(try await store.commit(IngestCommit(readings: [reading]), sealer: TestSealer()).map { $0 != nil } == [true])
        let queue = try DatabaseQueue(path: store.path)
        await #expect(throws: DatabaseError.self) { try await queue.write { try $0.execute(sql: "UPDATE audit SET actor = 'b'") } }
        await #expect(throws: DatabaseError.self) { try await queue.write { try $0.execute(sql: "DELETE FROM audit") } }
        await #expect(throws: DatabaseError.self) { try await queue.write { try $0.execute(sql: "UPDATE reading SET value = 0") } }
    }

    @Test func reopeningKeepsEverything() async throws {
        let store = try SQLiteStore.temporary()
        try await store.write(
            [ResourcePreparation.write(["resourceType": "Patient"], type: .patient, id: "p1", version: 1, lastUpdated: 0, mode: .create)], audit: [],
            sealer: TestSealer())
        try store.close()
        let reopened = try SQLiteStore(path: store.path)
        #expect(try await reopened.resource(.patient, id: "p1") != nil)
    }

    /// A database a newer version has migrated is refused by name, not opened and misread: an
    /// upgrade is undone by running the newer version or restoring a backup taken before it.
    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let store = try SQLiteStore.temporary()
        try store.close()
        let queue = try DatabaseQueue(path: store.path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('99-from-the-future')") }
        try queue.close()
        let error = try #require(throws: VigilError.self) { try SQLiteStore(path: store.path) }
        #expect(error.message.contains("a newer version of Vigil") && error.message.contains("99-from-the-future"), "\(error.message)")
    }

    /// Resources stored before quantities were indexed are found by value-quantity once the
    /// database is opened by this version (its migration rebuilds the search index).
    @Test func anOlderDatabaseIsReindexedWhenMigrated() async throws {
        let store = try SQLiteStore.temporary()
        let observation: JSON = [
            "resourceType": "Observation", "status": "final", "code": ["text": "weight"],
            "valueQuantity": ["value": .double(72.5), "system": "http://unitsofmeasure.org", "code": "kg"],
        ]
        try await store.write(
            [ResourcePreparation.write(observation, type: .observation, id: "o1", version: 1, lastUpdated: 0, mode: .create)], audit: [],
            sealer: TestSealer())
        try store.close()
        let queue = try DatabaseQueue(path: store.path)
        try await queue.write { db in
            try db.execute(sql: "DROP TABLE search_quantity")
            try db.execute(sql: "DELETE FROM search_token")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '7-search-quantity'")
        }
        try queue.close()
        let reopened = try SQLiteStore(path: store.path)
        let query = try FHIRSearchQuery.parse(
            type: .observation, parameters: [("value-quantity", "gt72|http://unitsofmeasure.org|kg"), ("code:text", "weight")])
        #expect(try await reopened.searchIDs(query) == ["o1"])
    }
}

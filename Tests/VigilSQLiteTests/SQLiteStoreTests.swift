import Foundation
import GRDB
import Testing
import VigilCore
import VigilStoreConformance

@testable import VigilSQLite

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
        let store = try await Self.store(heartRates: [70], audit: [AuditEvent(time: 0, actor: "a", role: "r", action: .read, resource: "x")])
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reading") } == 1)
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

    /// A research question reads millions of one code's readings: from an index that holds all it
    /// reads, in order, without visiting the table or sorting.
    @Test func aCodesValuesAreReadFromAnIndexAlone() async throws {
        let store = try SQLiteStore.temporary()
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(SQLiteStore.readingValuesSQL)", arguments: [1, 0, 100, 10]).map { $0["detail"] as String }
        }
        #expect(plan == ["SEARCH reading USING COVERING INDEX reading_code (code_key=? AND id>? AND id<?)"])
    }

    /// A code the catalog once gave another system has two keys: its values are read from both,
    /// each once, across pages.
    @Test func aCodesValuesSpanItsKeys() async throws {
        let store = try await Self.store(heartRates: [61, 62, 63])
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO code (system, code) VALUES ('urn:oid:2.16.840.1.113883.6.1', '8867-4')")
            for seq in 4...6 {
                try db.execute(
                    sql: """
                        INSERT INTO reading (device_key, boot, seq, patient_key, code_key, value, unit, time, received, flags)
                        SELECT device_key, boot, ?, patient_key, (SELECT max(key) FROM code), ?, unit, ?, received, flags FROM reading WHERE seq = 1
                        """, arguments: [seq, 60 + seq, seq])
            }
        }
        var (values, cursor) = ([Double](), Optional(ValuePage.Cursor.start))
        while let at = cursor {
            let page = try await store.values(of: "8867-4", after: at, limit: 2)
            (values, cursor) = (values + page.values.map(\.value), page.next)
        }
        #expect(values == [61, 62, 63, 64, 65, 66])
    }

    /// A store where patient p1 wears device d1, which sent the heart rates `values` (seq 1, 2, …).
    static func store(heartRates values: [Double], audit: [AuditEvent] = []) async throws -> SQLiteStore {
        let store = try SQLiteStore.temporary()
        try await store.write(
            [
                ResourcePreparation.write(["resourceType": "Patient"], type: .patient, id: "p1", version: 1, lastUpdated: 0, mode: .create),
                ResourcePreparation.write(
                    ["resourceType": "Device", "patient": ["reference": "Patient/p1"]], type: .device, id: "d1", version: 1, lastUpdated: 0,
                    mode: .create),
            ], audit: audit, sealer: TestSealer())
        let readings = values.enumerated().map { index, value in
            Reading(
                key: ProducerKey(device: "d1", boot: "0", seq: Int64(index + 1)), patient: "p1", code: "8867-4", value: value, unit: "/min",
                time: Int64(index + 1), received: Int64(index + 2))
        }
        _ = try await store.commit(IngestCommit(readings: readings), sealer: TestSealer())
        return store
    }
}

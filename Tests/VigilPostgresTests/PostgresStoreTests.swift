import Foundation
import PostgresNIO
import Testing
import VigilBench
import VigilCore
import VigilPostgres
import VigilStoreConformance

/// The checks one after another: each is quick, and 44 at once only crowd the machine's two cores.
@Suite(.serialized, .timeLimit(.minutes(5))) struct PostgresStoreTests {
    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ name: String) async throws {
        let store = try await TestDatabase.store()
        do {
            try await StoreConformance.run(name, on: store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// What PostgreSQL must hold beyond the conformance suite: durability, the database's own
/// refusal to change the audit chain and readings, one chain whichever node writes, migrations.
@Suite(.timeLimit(.minutes(5))) struct PostgresDatabaseTests {
    static let event = AuditEvent(time: 0, actor: "a", role: "r", action: .read, resource: "x")

    static func patient(_ id: String) -> ResourceWrite {
        ResourcePreparation.write(["resourceType": "Patient"], type: .patient, id: id, version: 1, lastUpdated: 0, mode: .create)
    }

    static func device(_ id: String, patient: String) -> ResourceWrite {
        ResourcePreparation.write(
            ["resourceType": "Device", "patient": ["reference": .string("Patient/\(patient)")]], type: .device, id: id, version: 1, lastUpdated: 0,
            mode: .create)
    }

    @Test func aDatabaseThatCouldLoseACommitIsRefused() async throws {
        let url = try await TestDatabase.fresh()
        let name = String(url.split(separator: "/").last!)
        _ = try await TestDatabase.postgres().execute("ALTER DATABASE \(name) SET synchronous_commit = off")
        let error = try await #require(throws: VigilError.self) { try await PostgresStore(url: url) }
        #expect(error.code == .unavailable && error.message.contains("synchronous_commit off"), "\(error.message)")
        _ = try await TestDatabase.postgres().execute("ALTER DATABASE \(name) SET synchronous_commit = on")
        let store = try await PostgresStore(url: url)
        await store.close()
    }

    /// The tables' owner can be stopped only by triggers; the nodes' own role is refused by grants too.
    @Test func theDatabaseRefusesToChangeReadingsAndAudit() async throws {
        let url = try await TestDatabase.fresh()
        let name = String(url.split(separator: "/").last!)
        let store = try await PostgresStore(url: url)
        try await store.write([Self.patient("p1"), Self.device("d1", patient: "p1")], audit: [Self.event], sealer: TestSealer())
        _ = try await store.commit(
            IngestCommit(readings: [
                Reading(
                    key: ProducerKey(device: "d1", boot: "b1", seq: 1), patient: "p1", code: "8867-4", value: 72, unit: "/min", time: 1_000,
                    received: 1_500)
            ]), sealer: TestSealer())
        let postgres = try await TestDatabase.postgres()
        for statement in ["UPDATE audit SET actor = 'b'", "DELETE FROM audit", "TRUNCATE audit", "UPDATE reading SET value = 0"] {
            await #expect(throws: (any Error).self, "\(statement)") { try await postgres.execute(statement, database: name) }
        }
        let role = "vigil_node_\(name.split(separator: "_").last!)"
        try await postgres.execute("CREATE ROLE \(role) LOGIN")
        try await store.grant(to: role)
        await store.close()

        let node = try await PostgresStore(url: postgres.url(database: name).replacingOccurrences(of: postgres.superuser, with: role))
        try await node.write([Self.patient("p2")], audit: [Self.event], sealer: TestSealer())
        #expect(try await node.auditHead()?.seq == 2)
        for statement in ["UPDATE audit SET actor = 'b'", "DELETE FROM audit", "TRUNCATE audit", "UPDATE reading SET value = 0", "DROP TABLE audit"] {
            let refused = try await #require(throws: VigilError.self, "\(statement)") {
                try await postgres.execute("SET ROLE \(role); \(statement)", database: name)
            }
            #expect(refused.message.contains("permission denied") || refused.message.contains("must be owner"), "\(refused.message)")
        }
        await node.close()
    }

    /// Two nodes writing at once keep one chain: every seq once, each hash sealing the one before.
    @Test func twoNodesWritingAtOnceKeepOneAuditChain() async throws {
        let url = try await TestDatabase.fresh()
        let (a, b) = (try await PostgresStore(url: url), try await PostgresStore(url: url))
        try await withThrowingTaskGroup { group in
            for (node, store) in [("a", a), ("b", b)] {
                for index in 0..<20 {
                    group.addTask {
                        try await store.write(
                            [Self.patient("\(node)\(index)")],
                            audit: [AuditEvent(time: Int64(index), actor: node, role: "r", action: .create, resource: "Patient/\(node)\(index)")],
                            sealer: TestSealer())
                    }
                }
            }
            try await group.waitForAll()
        }
        let records = try await a.auditRecords(after: 0, limit: 100)
        #expect(records.map(\.seq) == Array(1...40))
        var previous = [UInt8](repeating: 0, count: 32)
        for record in records {
            #expect(record.hash == TestSealer().seal(previous: previous, seq: record.seq, event: record.event))
            previous = record.hash
        }
        await a.close()
        await b.close()
    }

    @Test func reopeningKeepsEverythingAndANewerSchemaIsRefused() async throws {
        let url = try await TestDatabase.fresh()
        let store = try await PostgresStore(url: url)
        try await store.write([Self.patient("p1")], audit: [], sealer: TestSealer())
        await store.close()
        let reopened = try await PostgresStore(url: url)
        #expect(try await reopened.resource(.patient, id: "p1") != nil)
        await reopened.close()
        _ = try await TestDatabase.postgres().execute(
            "INSERT INTO vigil_migration (identifier) VALUES ('99-from-the-future')", database: String(url.split(separator: "/").last!))
        let error = try await #require(throws: VigilError.self) { try await PostgresStore(url: url) }
        #expect(error.message.contains("a newer version of Vigil") && error.message.contains("99-from-the-future"), "\(error.message)")
    }

    @Test func theURLIsReadAsLibpqReadsIt() throws {
        let location = try PostgresLocation(url: "postgres://vigil:s%40cret@db.example:6543/records?sslmode=require")
        #expect(location.configuration.host == "db.example" && location.configuration.port == 6543)
        #expect(location.configuration.username == "vigil" && location.configuration.password == "s@cret")
        #expect(location.configuration.database == "records")
        #expect(throws: VigilError.self) { try PostgresLocation(url: "mysql://db/records") }
        #expect(throws: VigilError.self) { try PostgresLocation(url: "postgres://db/records?sslmode=sometimes") }
        #expect(PostgresLocation.redacted("postgres://vigil:secret@db/records") == "postgres://vigil:***@db/records")
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// Backup and point-in-time recovery with PostgreSQL's own tools (issue 20, docs/deploy.md): a
/// base backup of a running node's database (`pg_basebackup`) and its archived WAL, recovered into
/// a new cluster after the first is lost, give back every reading acknowledged before the backup
/// and after it; a node started on the recovered database with the same data folder verifies the
/// audit chain and goes on.
@Suite(.timeLimit(.minutes(5)), .disabled(if: ServerProcess.onPostgres, "it runs on PostgreSQL clusters of its own in the first pass"))
struct PostgresRecoveryEndToEndTests {
    static func readings(_ seqs: ClosedRange<Int>) -> JSON {
        let now = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        return ["readings": .array(seqs.map { ["seq": .integer($0), "time": .string(now), "code": "8867-4", "value": 72, "unit": "/min"] })]
    }

    @Test func aBaseBackupAndTheWALArchiveGiveBackEveryAcknowledgedReading() async throws {
        let primary = try await Blocking.run { try LocalPostgres(archiving: true) }
        defer { primary.stop() }
        let url = try await primary.createDatabase()
        let server = try ServerProcess(arguments: ["--postgres", url])
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        try await server.put("Patient", "p1", [:], token: admin)
        try await server.put("Device", "d1", ["patient": ["reference": "Patient/p1"]], token: admin)
        let device = try #require(try await server.request(.POST, "/api/devices/d1/credentials", token: admin).json?["token"]?.stringValue)
        func ingest(_ seqs: ClosedRange<Int>) async throws {
            let reply = try await server.request(.POST, "/api/ingest", token: device, json: Self.readings(seqs))
            #expect(reply.status == .ok && reply.json?["accepted"]?.int64Value == Int64(seqs.count), "\(reply.text)")
        }
        try await ingest(1...50)
        let backup = try await primary.baseBackup()
        try await ingest(51...100)
        try await primary.archiveCurrentWAL()
        #expect(server.stop() == 0)
        // The primary is lost; the backup and the archive are what is left.
        try await primary.pause()

        let recovered = try await primary.recovered(fromBaseBackup: backup)
        defer { recovered.stop() }
        let database = String(url.split(separator: "/").last ?? "")
        let restoredURL = recovered.url(database: database)
        let verified = try await server.cli(["audit", "verify", "--postgres", restoredURL])
        #expect(verified.status == 0, "\(verified.output)")
        let node = try ServerProcess(dataDirectory: server.dataDirectory, arguments: ["--postgres", restoredURL])
        try await node.start()
        defer { node.stop() }
        let token = try await node.token()
        let stored = try await node.request(.GET, "/fhir/Observation?patient=p1&_summary=count", token: token).json?["total"]
        #expect(stored == 100, "every reading acknowledged before and after the base backup")
        // The device's token opens, a resent reading is a duplicate, a new one is stored.
        let resent = try await node.request(.POST, "/api/ingest", token: device, json: Self.readings(100...101))
        #expect(resent.json?["accepted"] == 1 && resent.json?["duplicates"] == 1, "\(resent.text)")
    }
}

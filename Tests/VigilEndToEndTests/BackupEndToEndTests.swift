import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator

/// `vigil backup` while the server takes readings, `vigil restore` into a new data directory, and
/// the restored server: the record complete up to the backup, the audit chain intact, a backup
/// cut short detected.
@Suite(.serialized, .timeLimit(.minutes(5)), .disabled(if: ServerProcess.onPostgres, "vigil backup copies the SQLite store"))
struct BackupEndToEndTests {
    @Test func aBackupTakenWhileTheServerWritesRestoresWithItsAuditChainIntact() async throws {
        let server = try ServerProcess()
        try await server.start()
        let admin = try await server.token()
        let (patient, device) = try await EndToEndTests.seed(server, admin: admin)
        let before = try await server.request(.POST, "/api/ingest", token: device, json: EndToEndTests.readings(1...200))
        #expect(before.json?["accepted"] == 200)
        // Readings keep arriving while the backup runs.
        let writing = Task {
            for batch in 0..<20 {
                let first = 201 + batch * 10
                _ = try await server.request(.POST, "/api/ingest", token: device, json: EndToEndTests.readings(first...first + 9))
            }
        }
        let file = server.dataDirectory + ".backup"
        let backup = try await server.cli(["backup", "--out", file])
        try await writing.value
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.contains("audit.key"), "the keys to keep apart are named: \(backup.output)")
        #expect(try await server.cli(["backup", "--out", file]).status != 0, "an existing backup is never overwritten")
        server.stop()

        let restoredDirectory = server.dataDirectory + "-restored"
        let restore = try await server.cli(["restore", "--from", file, "--data", restoredDirectory, "--keys", server.dataDirectory + "/keys"])
        #expect(restore.status == 0 && restore.output.contains("Audit chain intact"), "\(restore.output)")
        #expect(try await server.cli(["audit", "verify", "--data", restoredDirectory]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: restoredDirectory + "/vigil.sqlite")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let restored = try ServerProcess(dataDirectory: restoredDirectory)
        try await restored.start()
        let token = try await restored.token()
        #expect(try await restored.request(.GET, "/fhir/Patient/\(patient)", token: token).status == .ok)
        let keys = try await EndToEndTests.storedKeys(restored, admin: token, device: "monitor-1")
        #expect(Set(keys).count == keys.count, "no reading twice")
        #expect((200...400).contains(keys.count), "what was acknowledged before the backup, and no more than was sent: \(keys.count)")
        #expect(Set((1...200).map { "monitor-1/b1/\($0)" }).isSubset(of: Set(keys)))
        // Sequence numbers are contiguous: a reading is in the copy only with everything committed before it.
        let seqs = keys.compactMap { Int($0.split(separator: "/").last!) }.sorted()
        #expect(seqs == Array(1...seqs.count))
        restored.stop()
        #expect(try await restored.cli(["audit", "verify", "--data", restoredDirectory]).status == 0, "the restored server continues the chain")
    }

    @Test func aBackupCutShortOrWithoutTheAuditKeyIsRefused() async throws {
        let server = try ServerProcess()
        try await server.start()
        let admin = try await server.token()
        _ = try await EndToEndTests.seed(server, admin: admin)
        let file = server.dataDirectory + ".backup"
        #expect(try await server.cli(["backup", "--out", file]).status == 0)
        server.stop()
        let keys = server.dataDirectory + "/keys"

        let noKeys = try await server.cli(["restore", "--from", file, "--data", server.dataDirectory + "-a", "--keys", "/nonexistent"])
        #expect(noKeys.status != 0 && noKeys.output.contains("audit.key"), "\(noKeys.output)")
        let occupied = try await server.cli(["restore", "--from", file, "--data", server.dataDirectory, "--keys", keys])
        #expect(occupied.status != 0 && occupied.output.contains("not empty"), "\(occupied.output)")

        // The last audit record cut off the copy (past the append-only triggers).
        let cut = try ChildProcess.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'").fetchall():
                    db.execute(f"DROP TRIGGER {name}")
                db.execute("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
                db.commit()
                """,
                file,
            ])
        #expect(cut.status == 0, "\(cut.output)")
        let truncated = try await server.cli(["restore", "--from", file, "--data", server.dataDirectory + "-b", "--keys", keys])
        #expect(truncated.status == 1 && truncated.output.contains("cut off"), "\(truncated.output)")
    }
}

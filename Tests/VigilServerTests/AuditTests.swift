import Foundation
import GRDB
import HTTPTypes
import Testing
import VigilBench
import VigilCore
import VigilSQLite

@testable import VigilServer

@Suite struct AuditTests {
    func verifier(_ harness: Harness) -> AuditVerifier {
        AuditVerifier(store: harness.runtime.store, sealer: harness.runtime.sealer, anchor: harness.runtime.anchor)
    }

    func database(_ harness: Harness) throws -> DatabaseQueue {
        try DatabaseQueue(path: (harness.runtime.store as! SQLiteStore).path)
    }

    /// Drops the append-only triggers, as an intruder with write access to the file would.
    func tamper(_ harness: Harness, _ sql: String) async throws {
        try await database(harness).write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete")
            try db.execute(sql: sql)
        }
    }

    /// A harness with some audited activity.
    func busyHarness() async throws -> Harness {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await client.post("/auth/token", token: nil, ["username": "nina", "password": "wrong-password-here"])
            _ = try await client.get("/fhir/Patient/p1", token: world["nina"])
            _ = try await client.get("/fhir/Patient/p2", token: world["nina"])
            _ = try await client.get("/fhir/Observation?patient=p1", token: world["doc"])
            _ = try await client.ingest([client.reading(1), client.reading(2, value: 999)], token: world.devices["d1"]!)
        }
        return harness
    }

    @Test func everyAccessToPatientDataIsRecorded() async throws {
        let harness = try await busyHarness()
        let records = try await harness.runtime.store.auditRecords(after: 0, limit: 10_000).map(\.event)
        func has(_ check: (AuditEvent) -> Bool) -> Bool { records.contains(where: check) }
        #expect(has { $0.action == .login && $0.actor == "user/nina" && $0.outcome == .minorFailure })
        #expect(has { $0.action == .login && $0.actor == "user/nina" && $0.outcome == .success })
        #expect(has { $0.action == .read && $0.actor == "user/nina" && $0.role == "nurse" && $0.patient == "p1" && $0.resource == "Patient/p1" })
        #expect(
            has { $0.action == .read && $0.actor == "user/nina" && $0.resource == "Patient/p2" && $0.outcome == .minorFailure && $0.patient == nil })
        #expect(has { $0.action == .create && $0.actor == "device/d1" && $0.patient == "p1" && $0.detail == "1 readings via http" })
        #expect(has { $0.actor == "device/d1" && $0.resource == "quarantine" })
        #expect(has { $0.action == .create && $0.resource == "Patient/p1" && $0.actor == "user/admin" && $0.patient == "p1" })
        #expect(has { $0.action == .create && $0.resource == "User/nina" })
        #expect(has { $0.action == .create && $0.resource == "Device/d1/credentials" })
        #expect(records.allSatisfy { !$0.actor.isEmpty && !$0.role.isEmpty && $0.time > 0 })
        #expect(try await verifier(harness).verify() == .init(records: Int64(records.count), problem: nil))
    }

    @Test func anEditedRowIsDetected() async throws {
        let harness = try await busyHarness()
        try await tamper(harness, "UPDATE audit SET actor = 'user/someone-else' WHERE seq = 5")
        let report = try await verifier(harness).verify()
        #expect(report.problem?.contains("record 5 does not match") == true)
        #expect(report.records == 4)
    }

    @Test func aDeletedRowIsDetected() async throws {
        let harness = try await busyHarness()
        try await tamper(harness, "DELETE FROM audit WHERE seq = 7")
        #expect(try await verifier(harness).verify().problem?.contains("record 7 is missing") == true)
    }

    @Test func anInsertedRowIsDetectedEvenWithARecomputedHash() async throws {
        let harness = try await busyHarness()
        // The intruder shifts rows up to make room and seals the new row with a key of their own.
        let forged = TestForger.seal(previous: [UInt8](repeating: 0, count: 32), seq: 3)
        try await tamper(harness, "UPDATE audit SET seq = seq + 1000 WHERE seq >= 3; UPDATE audit SET seq = seq - 999 WHERE seq >= 1003")
        try await database(harness).write { db in
            try db.execute(
                sql:
                    "INSERT INTO audit (seq, time, actor, role, action, resource, outcome, hash) VALUES (3, 1, 'user/x', 'admin', 'R', 'Patient/p1', 0, ?)",
                arguments: [Data(forged)]
            )
        }
        #expect(try await verifier(harness).verify().problem?.contains("record 3 does not match") == true)
    }

    @Test func aTruncatedTailIsDetected() async throws {
        let harness = try await busyHarness()
        let head = try #require(try await harness.runtime.store.auditHead())
        try await tamper(harness, "DELETE FROM audit WHERE seq > \(head.seq - 3)")
        let report = try await verifier(harness).verify()
        #expect(report.problem?.contains("cut off the end") == true)
    }

    @Test func restoringAnOlderAnchorFileDoesNotHideATruncatedTail() async throws {
        let harness = try Harness { $0.auditCheckpointSeconds = 0 }
        let (cut, older) = try await harness.run { client in
            let world = try await World.build(client)
            let cut = try await harness.runtime.store.auditHead()
            let older = try Data(contentsOf: URL(fileURLWithPath: harness.runtime.anchor.path))
            _ = try await client.get("/fhir/Patient/p1", token: world.admin)
            return (cut, older)
        }
        let cutSeq = try #require(cut?.seq)
        try await tamper(harness, "DELETE FROM audit WHERE seq > \(cutSeq)")
        try older.write(to: URL(fileURLWithPath: harness.runtime.anchor.path))
        let report = try await verifier(harness).verify()
        #expect(report.problem?.contains("cut off the end") == true, "\(report)")
    }

    @Test func aCheckpointLogMadeAppendOnlyIsSeenAsSo() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-anchors-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let checkpoints = AuditCheckpointLog(path: log, sealer: HMACAuditSealer(key: SecureRandom.bytes(32)), interval: .zero)
        checkpoints.record(AuditHead(seq: 1, hash: [UInt8](repeating: 7, count: 32)))
        #expect(checkpoints.isAppendOnly == false)
        guard geteuid() == 0 else { return }
        let chattr = try ChildProcess.run("/usr/bin/chattr", ["+a", log])
        defer { _ = try? ChildProcess.run("/usr/bin/chattr", ["-a", log]) }
        guard chattr.status == 0 else { return }  // a filesystem without the attribute (tmpfs)
        #expect(checkpoints.isAppendOnly)
        #expect(throws: (any Error).self, "the kernel refuses to replace it") { try Data().write(to: URL(fileURLWithPath: log)) }
        checkpoints.record(AuditHead(seq: 2, hash: [UInt8](repeating: 8, count: 32)))
        #expect(try checkpoints.read().map(\.seq) == [1, 2], "appending still works")
    }

    @Test func aMissingOrForgedAnchorIsReported() async throws {
        let harness = try await busyHarness()
        try "1 00 00\n".write(toFile: harness.runtime.anchor.path, atomically: false, encoding: .utf8)
        await #expect(throws: VigilError.self) { try await verifier(harness).verify() }
        try FileManager.default.removeItem(atPath: harness.runtime.anchor.path)
        #expect(try await verifier(harness).verify().problem?.contains("anchor") == true)
    }

    @Test func anotherKeyCannotVerifyTheChain() async throws {
        let harness = try await busyHarness()
        let wrong = HMACAuditSealer(key: Array(repeating: 7, count: 32))
        let report = try await AuditVerifier(
            store: harness.runtime.store, sealer: wrong, anchor: AuditAnchor(path: harness.runtime.anchor.path + ".none", sealer: wrong)
        ).verify()
        #expect(report.problem?.contains("record 1 does not match") == true)
    }

    /// The chain's format is fixed: stored chains must keep verifying. The expected hash is
    /// HMAC-SHA256 computed outside Vigil (Python's `hmac`) over `previous ‖ canonical fields`.
    @Test func aSealIsHMACSHA256OfThePreviousHashAndTheCanonicalRecord() {
        let event = AuditEvent(time: 5, actor: "user/a\u{1F}b", role: "nurse", patient: nil, action: .read, resource: "Patient/1")
        let hash = HMACAuditSealer(key: Array(repeating: 7, count: 32)).seal(previous: Array(0..<32), seq: 3, event: event)
        #expect(Hex.encode(hash) == "a67f479a18e728456924751d228b73140a3c3b2b44ca6f17df892ddf1cf4eae3")
    }
}

enum TestForger {
    static func seal(previous: [UInt8], seq: Int64) -> [UInt8] {
        HMACAuditSealer(key: Array(repeating: 9, count: 32)).seal(
            previous: previous, seq: seq, event: AuditEvent(time: 1, actor: "user/x", role: "admin", action: .read, resource: "Patient/p1")
        )
    }
}

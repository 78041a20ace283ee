import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    public func auditRecords(after seq: Int64, limit: Int) async throws -> [AuditRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, time, actor, role, patient, action, resource, outcome, client, detail, purpose, hash
                    FROM audit WHERE seq > ? ORDER BY seq LIMIT ?
                    """,
                arguments: [seq, limit]
            ).map(Self.auditRecord)
        }
    }

    public func auditHead() async throws -> AuditHead? {
        try await pool.read { db in try self.auditHead(db) }
    }

    func auditHead(_ db: Database) throws -> AuditHead? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")) else { return nil }
        return AuditHead(seq: row["seq"], hash: [UInt8](row["hash"] as Data))
    }

    /// Appends events to the chain inside the caller's transaction, after `head` (read from the
    /// table when nil); returns the new head.
    func appendAudit(_ events: [AuditEvent], after head: AuditHead?, sealer: any AuditSealer, _ db: Database) throws -> AuditHead? {
        guard !events.isEmpty else { return head }
        var head = try head ?? auditHead(db) ?? AuditHead(seq: 0, hash: [UInt8](repeating: 0, count: 32))
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO audit (seq, time, actor, role, patient, action, resource, outcome, client, detail, purpose, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for event in events {
            let seq = head.seq + 1
            let hash = sealer.seal(previous: head.hash, seq: seq, event: event)
            try statement.execute(arguments: [
                seq, event.time, event.actor, event.role, event.patient, event.action.rawValue, event.resource,
                event.outcome.rawValue, event.client, event.detail, event.purpose, Data(hash),
            ])
            head = AuditHead(seq: seq, hash: hash)
        }
        return head
    }

    static func auditRecord(_ row: Row) -> AuditRecord {
        AuditRecord(
            seq: row["seq"],
            event: AuditEvent(
                time: row["time"], actor: row["actor"], role: row["role"], patient: row["patient"],
                action: AuditEvent.Action(rawValue: row["action"]) ?? .execute, resource: row["resource"],
                outcome: AuditEvent.Outcome(rawValue: row["outcome"]) ?? .majorFailure, client: row["client"], detail: row["detail"],
                purpose: row["purpose"]
            ),
            hash: [UInt8](row["hash"] as Data)
        )
    }
}

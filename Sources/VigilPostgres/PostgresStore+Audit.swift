public import VigilCore

extension PostgresStore {
    public func auditRecords(after seq: Int64, limit: Int) async throws -> [AuditRecord] {
        try await read { db in
            try await db.rows(
                """
                SELECT seq, time, actor, role, patient, action, resource, outcome, client, detail, purpose, hash
                FROM audit WHERE seq > ? ORDER BY seq LIMIT ?
                """, [seq, limit]
            ).map(Self.auditRecord)
        }
    }

    public func auditHead() async throws -> AuditHead? {
        try await read { db in try await self.auditHead(db) }
    }

    func auditHead(_ db: Database) async throws -> AuditHead? {
        guard let row = try await db.row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") else { return nil }
        return AuditHead(seq: row["seq"], hash: row["hash"])
    }

    /// Appends events to the chain inside the caller's transaction, after `head` (read from the
    /// table when nil), in one statement; returns the new head.
    func appendAudit(_ events: [AuditEvent], after head: AuditHead?, sealer: any AuditSealer, _ db: Database) async throws -> AuditHead? {
        guard !events.isEmpty else { return head }
        var found = head
        if found == nil { found = try await auditHead(db) }
        var head = found ?? AuditHead(seq: 0, hash: [UInt8](repeating: 0, count: 32))
        var rows: [SQLFragment] = []
        for event in events {
            let seq = head.seq + 1
            let hash = sealer.seal(previous: head.hash, seq: seq, event: event)
            rows.append(
                SQLFragment(
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        seq, event.time, event.actor, event.role, event.patient, event.action.rawValue, event.resource, event.outcome.rawValue,
                        event.client, event.detail, event.purpose, hash,
                    ]))
            head = AuditHead(seq: seq, hash: hash)
        }
        for chunk in rows.chunked(1000) {
            var insert = SQLFragment(
                "INSERT INTO audit (seq, time, actor, role, patient, action, resource, outcome, client, detail, purpose, hash) VALUES ")
            insert.sql += chunk.map(\.sql).joined(separator: ", ")
            insert.arguments = chunk.flatMap(\.arguments)
            try await db.rows(insert)
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
            hash: row["hash"]
        )
    }
}

extension Collection {
    /// The elements in arrays of at most `size`.
    func chunked(_ size: Int) -> [[Element]] {
        var chunks: [[Element]] = []
        var index = startIndex
        while index != endIndex {
            let end = self.index(index, offsetBy: size, limitedBy: endIndex) ?? endIndex
            chunks.append(Array(self[index..<end]))
            index = end
        }
        return chunks
    }
}

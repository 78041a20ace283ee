import GRDB
public import VigilCore

extension SQLiteStore {
    public func apply(_ changes: [Change], sealer: any AuditSealer) async throws -> AppliedChanges {
        do {
            return try await pool.write { db in
                var inserter: ReadingInserter?
                var outcomes: [Result<Applied, VigilError>] = []
                outcomes.reserveCapacity(changes.count)
                var head: AuditHead?
                for change in changes {
                    /// Stores the change and seals its audit events into the chain.
                    func store() throws -> Applied {
                        let (applied, audit) = try self.apply(change, inserter: &inserter, db)
                        head = try self.appendAudit(audit, after: head, sealer: sealer, db)
                        return applied
                    }
                    guard change.mayFail else {
                        outcomes.append(.success(try store()))
                        continue
                    }
                    // A change that can fail on its own does so alone: its savepoint is undone.
                    let headBefore = head
                    try db.execute(sql: "SAVEPOINT change")
                    do {
                        let applied = try store()
                        try db.execute(sql: "RELEASE change")
                        outcomes.append(.success(applied))
                    } catch let error as VigilError where error.code != .unavailable {
                        head = headBefore
                        try db.execute(sql: "ROLLBACK TO change")
                        try db.execute(sql: "RELEASE change")
                        outcomes.append(.failure(error))
                    }
                }
                try inserter?.recordUploads()
                return AppliedChanges(outcomes: outcomes, auditHead: head)
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Stores one change's content; returns what it did and the audit events to seal with it.
    private func apply(_ change: Change, inserter: inout ReadingInserter?, _ db: Database) throws -> (Applied, [AuditEvent]) {
        switch change.content {
        case .readings(let batch):
            if inserter == nil { inserter = try ReadingInserter(store: self, db: db) }
            return (.readings(ids: try insert(batch, with: &inserter!, db)), change.audit)
        case .resources(let writes):
            for write in writes { try apply(write, db) }
            return (.resources(writes.map(\.resource)), change.audit)
        case .alerts(let alerts, let derived):
            let saved = try save(alerts, derived: derived, db)
            return (.alerts(saved.alerts), change.audit + saved.audit)
        case .addUser(let user):
            return (.user(try insert(user, db)), change.audit)
        case .updateUser(let user):
            try update(user, db)
            return (.user(user), change.audit)
        case .addCredential(let device, let tokenHash, let brokerHash, let time):
            return (.credential(try addCredential(device: device, tokenHash: tokenHash, brokerHash: brokerHash, at: time, db)), change.audit)
        case .revokeCredentials(let device, let id, let time):
            return (.revoked(try revokeCredentials(device: device, id: id, at: time, db)), change.audit)
        case .erasePings(let erasure):
            return (.erased(try erase(erasure, db)), change.audit)
        case .deliveries(let outcomes):
            try record(outcomes, db)
            return (.audited, change.audit)
        case .addWebhook(let webhook):
            return (.webhook(try insert(webhook, db)), change.audit)
        case .removeWebhook(let id, let time):
            return (.revoked(try removeWebhook(id: id, at: time, db)), change.audit)
        case .command(let command, let newSteps):
            return (.command(try save(command, newSteps: newSteps, db)), change.audit)
        case .audit:
            return (.audited, change.audit)
        }
    }
}

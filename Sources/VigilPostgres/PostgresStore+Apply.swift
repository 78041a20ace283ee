public import VigilCore

extension PostgresStore {
    public func apply(_ changes: [Change], sealer: any AuditSealer) async throws -> AppliedChanges {
        try await write { db in
            var writer = ReadingWriter()
            // Every reading of the group commit in one statement (readings changes do not fail
            // on their own, and name devices and patients stored before the commit began).
            let readings = changes.flatMap { change -> [Reading] in
                if case .readings(let batch) = change.content { return batch.readings }
                return []
            }
            var readingIDs = try await writer.insert(readings, store: self, db)[...]
            var outcomes: [Result<Applied, VigilError>] = []
            outcomes.reserveCapacity(changes.count)
            var head: AuditHead?
            for change in changes {
                guard change.mayFail else {
                    let (applied, audit) = try await self.apply(change, readingIDs: &readingIDs, db)
                    head = try await self.appendAudit(audit, after: head, sealer: sealer, db)
                    outcomes.append(.success(applied))
                    continue
                }
                // A change that can fail on its own does so alone: its savepoint is undone.
                let headBefore = head
                try await db.execute("SAVEPOINT change")
                do {
                    let (applied, audit) = try await self.apply(change, readingIDs: &readingIDs, db)
                    head = try await self.appendAudit(audit, after: head, sealer: sealer, db)
                    try await db.execute("RELEASE SAVEPOINT change")
                    outcomes.append(.success(applied))
                } catch let error as VigilError where error.code != .unavailable {
                    head = headBefore
                    try await db.execute("ROLLBACK TO SAVEPOINT change")
                    try await db.execute("RELEASE SAVEPOINT change")
                    outcomes.append(.failure(error))
                }
            }
            try await writer.recordUploads(db)
            let applied = AppliedChanges(outcomes: outcomes, auditHead: head)
            try await self.record(Committed(changes, applied), db)
            return applied
        }
    }

    /// Stores one change's content; returns what it did and the audit events to seal with it.
    private func apply(_ change: Change, readingIDs: inout ArraySlice<Int64?>, _ db: Database) async throws -> (Applied, [AuditEvent]) {
        switch change.content {
        case .readings(let batch):
            let ids = Array(readingIDs.prefix(batch.readings.count))
            readingIDs = readingIDs.dropFirst(batch.readings.count)
            return (.readings(ids: try await insert(batch, readingIDs: ids, db)), change.audit)
        case .resources(let writes):
            for write in writes { try await apply(write, db) }
            return (.resources(writes.map(\.resource)), change.audit)
        case .alerts(let alerts, let derived):
            let saved = try await save(alerts, derived: derived, db)
            return (.alerts(saved.alerts), change.audit + saved.audit)
        case .addUser(let user):
            return (.user(try await insert(user, db)), change.audit)
        case .updateUser(let user):
            try await update(user, db)
            return (.user(user), change.audit)
        case .addCredential(let device, let tokenHash, let brokerHash, let time):
            return (.credential(try await addCredential(device: device, tokenHash: tokenHash, brokerHash: brokerHash, at: time, db)), change.audit)
        case .revokeCredentials(let device, let id, let time):
            return (.revoked(try await revokeCredentials(device: device, id: id, at: time, db)), change.audit)
        case .erasePings(let erasure):
            return (.erased(try await erase(erasure, db)), change.audit)
        case .deliveries(let outcomes):
            try await record(outcomes, db)
            return (.audited, change.audit)
        case .addWebhook(let webhook):
            return (.webhook(try await insert(webhook, db)), change.audit)
        case .removeWebhook(let id, let time):
            return (.revoked(try await removeWebhook(id: id, at: time, db)), change.audit)
        case .command(let command, let newSteps):
            return (.command(try await save(command, newSteps: newSteps, db)), change.audit)
        case .audit:
            return (.audited, change.audit)
        }
    }
}

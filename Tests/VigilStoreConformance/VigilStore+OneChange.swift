public import VigilCore

/// One change at a time, as the checks write: each call is one ``VigilStore/apply(_:sealer:)``
/// of one ``Change``, whose failure is thrown.
extension VigilStore {
    /// Applies one change and returns what it did.
    public func applyOne(_ change: Change, sealer: any AuditSealer) async throws -> (applied: Applied, auditHead: AuditHead?) {
        let result = try await apply([change], sealer: sealer)
        return (try result.outcomes[0].get(), result.auditHead)
    }

    @discardableResult
    public func write(_ writes: [ResourceWrite], audit: [AuditEvent], sealer: any AuditSealer) async throws -> AuditHead? {
        try await applyOne(Change(.resources(writes), audit: audit), sealer: sealer).auditHead
    }

    /// Stores readings and quarantine entries; returns each reading's id (nil for a duplicate).
    public func commit(_ batch: IngestCommit, audit: [AuditEvent] = [], sealer: any AuditSealer) async throws -> [Int64?] {
        guard case .readings(let ids) = try await applyOne(Change(.readings(batch), audit: audit), sealer: sealer).applied else { return [] }
        return ids
    }

    public func addCredential(
        device: String, tokenHash: [UInt8], brokerHash: String?, at time: Int64, audit: [AuditEvent], sealer: any AuditSealer
    ) async throws -> Int64 {
        let change = Change(.addCredential(device: device, tokenHash: tokenHash, brokerHash: brokerHash, at: time), audit: audit)
        guard case .credential(let id) = try await applyOne(change, sealer: sealer).applied else { return 0 }
        return id
    }

    public func revokeCredentials(device: String, id: Int64?, at time: Int64, audit: [AuditEvent], sealer: any AuditSealer) async throws -> Int {
        let change = Change(.revokeCredentials(device: device, id: id, at: time), audit: audit)
        guard case .revoked(let count) = try await applyOne(change, sealer: sealer).applied else { return 0 }
        return count
    }

    public func insert(_ user: UserAccount, audit: [AuditEvent], sealer: any AuditSealer) async throws -> UserAccount {
        guard case .user(let stored) = try await applyOne(Change(.addUser(user), audit: audit), sealer: sealer).applied else { return user }
        return stored
    }

    public func update(_ user: UserAccount, audit: [AuditEvent], sealer: any AuditSealer) async throws {
        _ = try await applyOne(Change(.updateUser(user), audit: audit), sealer: sealer)
    }

    public func save(_ changes: [AlertChange], writing writes: [ResourceWrite] = [], audit: [AuditEvent] = [], sealer: any AuditSealer) async throws
        -> [Alert]
    {
        guard case .alerts(let alerts) = try await applyOne(Change(.alerts(changes, derived: writes), audit: audit), sealer: sealer).applied else {
            return []
        }
        return alerts
    }

    public func save(_ alert: Alert, history: [AlertHistoryEntry], audit: [AuditEvent], sealer: any AuditSealer) async throws -> Alert {
        try await save([AlertChange(alert: alert, history: history, audit: audit)], sealer: sealer)[0]
    }

    @discardableResult
    public func appendAudit(_ events: [AuditEvent], sealer: any AuditSealer) async throws -> AuditHead? {
        try await applyOne(.audit(events), sealer: sealer).auditHead
    }
}

import Synchronization
public import VigilCore

extension PostgresStore {
    public func deviceLinks(device: String) async throws -> DeviceLinkHistory {
        try await read { db in
            DeviceLinkHistory(
                try await db.rows(
                    """
                    SELECT p.id AS patient, l.start, l."end" FROM device_link l
                    JOIN resource d ON d.key = l.device_key JOIN resource p ON p.key = l.patient_key
                    WHERE d.type = 'Device' AND d.id = ? ORDER BY l.start, l.id
                    """, [device]
                ).map { DeviceLink(patient: $0["patient"], start: $0["start"], end: $0["end"]) }
            )
        }
    }

    /// Inserts the screenings, pings and quarantine entries of a batch inside the caller's
    /// transaction, its readings inserted already with `readingIDs`; returns each one's id, nil
    /// for a duplicate.
    func insert(_ batch: IngestCommit, readingIDs: [Int64?], _ db: Database) async throws -> [Int64?] {
        var ids = readingIDs
        ids += try await insert(batch.screenings, db)
        ids += try await insert(batch.pings, db)
        for entry in batch.quarantine {
            try await db.execute(
                """
                INSERT INTO quarantine (device, boot, seq, idx, reason, payload, source, received)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
                [
                    entry.device, entry.boot ?? (entry.seq == nil ? nil : ProducerKey.defaultBoot), entry.seq, entry.index,
                    entry.reason, entry.payload, entry.source, entry.received,
                ])
        }
        return ids
    }

    /// The key of a code, adding it on first use; cached once it is known committed.
    func codeKey(_ code: String, _ db: Database) async throws -> Int64 {
        let system = catalog.definition(of: code)?.system ?? CodeDefinition.loinc
        let name = "code:\(system)|\(code)"
        if let key = keyCache.withLock({ $0[name] }) { return key }
        if let key = try await db.value("SELECT key FROM code WHERE system = ? AND code = ?", [system, code], as: Int64.self) {
            keyCache.withLock { $0[name] = key }
            return key
        }
        try await db.execute("INSERT INTO code (system, code) VALUES (?, ?) ON CONFLICT DO NOTHING", [system, code])
        return try await db.value("SELECT key FROM code WHERE system = ? AND code = ?", [system, code], as: Int64.self)!
    }

    public func reading(key: ProducerKey) async throws -> StoredReading? {
        try await read { db in
            guard let device = try await self.key("Device", key.device, db),
                let id = try await db.value(
                    "SELECT id FROM reading WHERE device_key = ? AND boot = ? AND seq = ?", [device, key.boot, key.seq], as: Int64.self)
            else { return nil }
            return try await self.readings(ids: [id], db).first
        }
    }

    static let readingColumns = """
        r.id, d.id AS device, r.boot, r.seq, p.id AS patient, c.code, r.value, r.unit, r.time, r.received, r.flags
        FROM reading r JOIN resource d ON d.key = r.device_key JOIN resource p ON p.key = r.patient_key
        JOIN code c ON c.key = r.code_key
        """

    /// Readings by id, in the order of `ids`.
    func readings(ids: [Int64], _ db: Database) async throws -> [StoredReading] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.rows("SELECT \(Self.readingColumns) WHERE r.id = ANY(?::bigint[])", [ids])
        let byID = Dictionary(uniqueKeysWithValues: rows.map { row in (row["id"] as Int64, Self.storedReading(row)) })
        return ids.compactMap { byID[$0] }
    }

    static func storedReading(_ row: Row) -> StoredReading {
        StoredReading(
            id: row["id"],
            reading: Reading(
                key: ProducerKey(device: row["device"], boot: row["boot"], seq: row["seq"]),
                patient: row["patient"], code: row["code"], value: row["value"], unit: row["unit"],
                time: row["time"], received: row["received"], flags: Reading.Flags(rawValue: row["flags"])
            )
        )
    }

    public func readings(patients: [String], since: Int64, before id: Int64?) async throws -> [StoredReading] {
        try await read { db in
            var keys: [Int64] = []
            for patient in patients { if let key = try await self.key("Patient", patient, db) { keys.append(key) } }
            guard !keys.isEmpty else { return [] }
            return try await db.rows(
                "SELECT \(Self.readingColumns) WHERE r.patient_key = ANY(?::bigint[]) AND r.time >= ? AND r.id < ? ORDER BY r.time, r.id",
                [keys, since, id ?? .max]
            ).map(Self.storedReading)
        }
    }

    public func newestReadingID() async throws -> Int64 {
        try await read { db in try await db.value("SELECT max(id) FROM reading", as: Int64.self) ?? 0 }
    }

    public func deviceActivity() async throws -> [DeviceActivity] {
        try await read { db in
            try await db.rows(
                """
                SELECT d.id AS device, p.id AS patient, s.last_received, s.previous_received FROM device_seen s
                JOIN resource d ON d.key = s.device_key JOIN resource p ON p.key = s.patient_key
                """
            ).map {
                DeviceActivity(
                    device: $0["device"], patient: $0["patient"], lastReceived: $0["last_received"], previousReceived: $0["previous_received"])
            }
        }
    }

    public func quarantine(device: String?, limit: Int, offset: Int) async throws -> [QuarantineEntry] {
        try await read { db in
            let filter = device == nil ? "" : "WHERE device = ?"
            let arguments: [any SQLBindable] = (device.map { [$0] } ?? []) + [limit, offset]
            return try await db.rows(
                "SELECT id, device, boot, seq, idx, reason, payload, source, received FROM quarantine \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                arguments
            ).map { row in
                QuarantineEntry(
                    id: row["id"], device: row["device"], boot: row["boot"], seq: row["seq"], index: row["idx"],
                    reason: row["reason"], payload: row["payload"], source: row["source"], received: row["received"]
                )
            }
        }
    }
}

import Foundation
import GRDB
import Synchronization
public import VigilCore

extension SQLiteStore {
    public func deviceLinks(device: String) async throws -> DeviceLinkHistory {
        try await pool.read { db in
            DeviceLinkHistory(
                try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT p.id AS patient, l.start, l.end FROM device_link l
                            JOIN resource d ON d.key = l.device_key JOIN resource p ON p.key = l.patient_key
                            WHERE d.type = 'Device' AND d.id = ? ORDER BY l.start
                            """
                    ),
                    arguments: [device]
                ).map { DeviceLink(patient: $0["patient"], start: $0["start"], end: $0["end"]) }
            )
        }
    }

    /// Inserts a batch of readings and quarantine entries inside the caller's transaction; returns
    /// each reading's id, nil for a duplicate.
    func insert(_ batch: IngestCommit, with inserter: inout ReadingInserter, _ db: Database) throws -> [Int64?] {
        var ids: [Int64?] = []
        ids.reserveCapacity(batch.readings.count)
        for reading in batch.readings { ids.append(try inserter.insert(reading)) }
        ids += try insert(batch.screenings, db)
        ids += try insert(batch.pings, db)
        guard !batch.quarantine.isEmpty else { return ids }
        let quarantine = try db.cachedStatement(
            sql: """
                INSERT INTO quarantine (device, boot, seq, idx, reason, payload, source, received)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """
        )
        for entry in batch.quarantine {
            try quarantine.execute(arguments: [
                entry.device, entry.boot ?? (entry.seq == nil ? nil : ProducerKey.defaultBoot), entry.seq, entry.index,
                entry.reason, entry.payload, entry.source, entry.received,
            ])
        }
        return ids
    }

    /// The key of a code, adding it on first use.
    func codeKey(_ code: String, _ db: Database) throws -> Int64 {
        let system = catalog.definition(of: code)?.system ?? CodeDefinition.loinc
        let name = "code:\(system)|\(code)"
        if let key = keyCache.withLock({ $0[name] }) { return key }
        try db.execute(sql: "INSERT INTO code (system, code) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [system, code])
        let key = try Int64.fetchOne(db, sql: "SELECT key FROM code WHERE system = ? AND code = ?", arguments: [system, code])!
        keyCache.withLock { $0[name] = key }
        return key
    }

    public func reading(key: ProducerKey) async throws -> StoredReading? {
        try await pool.read { db in
            guard let device = try self.key("Device", key.device, db),
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM reading WHERE device_key = ? AND boot = ? AND seq = ?",
                    arguments: [device, key.boot, key.seq]
                )
            else { return nil }
            return try self.readings(ids: [id], db).first
        }
    }

    static let readingColumns = """
        r.id, d.id AS device, r.boot, r.seq, p.id AS patient, c.code, r.value, r.unit, r.time, r.received, r.flags
        FROM reading r JOIN resource d ON d.key = r.device_key JOIN resource p ON p.key = r.patient_key
        JOIN code c ON c.key = r.code_key
        """

    /// Readings by id, in the order of `ids`.
    func readings(ids: [Int64], _ db: Database) throws -> [StoredReading] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let rows = try Row.fetchAll(db, sql: "SELECT \(Self.readingColumns) WHERE r.id IN (\(marks))", arguments: StatementArguments(ids))
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
        try await pool.read { db in
            let keys = try patients.compactMap { try self.key("Patient", $0, db) }
            guard !keys.isEmpty else { return [] }
            let inPatients = SQLFragment.in("r.patient_key", keys)
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.readingColumns) WHERE \(inPatients.sql) AND r.time >= ? AND r.id < ? ORDER BY r.time, r.id",
                arguments: StatementArguments(inPatients.arguments + [since, id ?? .max])
            ).map(Self.storedReading)
        }
    }

    public func newestReadingID() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM reading") ?? 0 }
    }

    public func deviceActivity() async throws -> [DeviceActivity] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
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
        try await pool.read { db in
            let filter = device == nil ? "" : "WHERE device = ?"
            var arguments: [(any DatabaseValueConvertible)?] = device.map { [$0] } ?? []
            arguments += [limit, offset]
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT id, device, boot, seq, idx, reason, payload, source, received FROM quarantine \(filter) ORDER BY id DESC LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments)
            ).map { row in
                QuarantineEntry(
                    id: row["id"], device: row["device"], boot: row["boot"], seq: row["seq"], index: row["idx"],
                    reason: row["reason"], payload: row["payload"], source: row["source"], received: row["received"]
                )
            }
        }
    }
}

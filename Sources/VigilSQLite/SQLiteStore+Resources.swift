import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    public func resource(_ type: FHIRResourceType, id: String) async throws -> StoredResource? {
        if type == .observation, FHIRID.isReadingID(id) {
            guard let number = Int64(id) else { return nil }
            return try await pool.read { db in try self.readings(ids: [number], db).first.map(self.storedResource) }
        }
        return try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT type, id, version, last_updated, compartment, json, deleted FROM resource WHERE type = ? AND id = ?",
                arguments: [type.rawValue, id]
            ).map(Self.storedResource)
        }
    }

    public func resource(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource? {
        if type == .observation, FHIRID.isReadingID(id) {
            return version == 1 ? try await resource(type, id: id) : nil
        }
        // The compartment is that version's own: an earlier version of a moved device is in its
        // earlier patient's record.
        return try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT r.type, r.id, h.version, h.last_updated, NULL AS compartment, h.json, h.deleted
                    FROM resource r JOIN resource_history h ON h.resource_key = r.key
                    WHERE r.type = ? AND r.id = ? AND h.version = ?
                    """,
                arguments: [type.rawValue, id, version]
            ).map(Self.storedResource)
        }.map { stored in
            var stored = stored
            stored.compartment = ResourcePreparation.compartment(of: stored.json, type: type, id: id)
            return stored
        }
    }

    /// Writes one resource version with its search and access rows, inside the caller's transaction.
    func apply(_ write: ResourceWrite, _ db: Database) throws {
        let r = write.resource
        let text = r.json.text
        let existing = try Row.fetchOne(db, sql: "SELECT key, version FROM resource WHERE type = ? AND id = ?", arguments: [r.type.rawValue, r.id])
        let key: Int64
        // The patients whose population facts this write changes: those of the version replaced and of this one.
        let populated = PopulationFact.sourceTypes.contains(r.type)
        var changed: Set<String> = []
        switch write.mode {
        case .create:
            guard existing == nil else {
                throw VigilError(.conflict, "\(r.type.rawValue)/\(r.id) already exists")
            }
            try db.execute(
                sql: "INSERT INTO resource (type, id, version, last_updated, compartment, json) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [r.type.rawValue, r.id, r.version, r.lastUpdated, r.compartment, text]
            )
            key = db.lastInsertedRowID
        case .update(let replacing), .delete(let replacing):
            guard let existing else { throw VigilError(.notFound, "\(r.type.rawValue)/\(r.id) does not exist") }
            let current: Int = existing["version"]
            guard current == replacing else {
                throw VigilError(.conflict, "\(r.type.rawValue)/\(r.id) changed meanwhile (now version \(current)); read it and try again")
            }
            key = existing["key"]
            try db.execute(
                sql: "UPDATE resource SET version = ?, last_updated = ?, compartment = ?, json = ?, deleted = ? WHERE key = ?",
                arguments: [r.version, r.lastUpdated, r.compartment, text, r.isDeleted, key]
            )
            if populated { changed = try Self.populationPatients(of: key, db) }
            for table in SQLiteSchema.searchTables + SQLiteSchema.populationTables + ["access_link"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE resource_key = ?", arguments: [key])
            }
        }
        try db.execute(
            sql: "INSERT INTO resource_history (resource_key, version, last_updated, json, deleted) VALUES (?, ?, ?, ?, ?)",
            arguments: [key, r.version, r.lastUpdated, text, r.isDeleted]
        )
        try Self.insertIndex(write.index, key: key, db)
        if populated {
            let facts = r.isDeleted ? [] : PopulationFact.facts(of: r.json, type: r.type, id: r.id)
            try Self.insertPopulation(facts, key: key, db)
            changed.formUnion(facts.map(\.patient))
            try Self.notePopulationChanges(changed, db)
        }
        for link in write.accessLinks {
            try db.cachedStatement(sql: "INSERT INTO access_link (resource_key, kind, target, start, end) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [key, link.kind.rawValue, link.target, link.start, link.end])
        }
        if r.type == .device { try relinkDevice(key: key, patient: r.isDeleted ? nil : r.patient, at: write.linkStart ?? r.lastUpdated, db) }
    }

    static func insertIndex(_ entries: [FHIRIndexEntry], key: Int64, _ db: Database) throws {
        for entry in entries {
            switch entry.value {
            case .token(let system, let code):
                try db.cachedStatement(sql: "INSERT INTO search_token (resource_key, param, system, code) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [key, entry.parameter, system, code])
            case .reference(let target):
                try db.cachedStatement(sql: "INSERT INTO search_reference (resource_key, param, target) VALUES (?, ?, ?)")
                    .execute(arguments: [key, entry.parameter, target])
            case .date(let low, let high):
                try db.cachedStatement(sql: "INSERT INTO search_date (resource_key, param, low, high) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [key, entry.parameter, low, high])
            case .string(let value):
                try db.cachedStatement(sql: "INSERT INTO search_string (resource_key, param, value, raw) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [key, entry.parameter, FHIRIndexer.normalize(value), value])
            case .quantity(let low, let high, let system, let code):
                try db.cachedStatement(sql: "INSERT INTO search_quantity (resource_key, param, low, high, system, code) VALUES (?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [key, entry.parameter, low, high, system, code])
            }
        }
    }

    /// Keeps the device's link history: when its patient changes, the open link ends and a new one starts.
    private func relinkDevice(key: Int64, patient: String?, at time: Int64, _ db: Database) throws {
        let open = try Row.fetchOne(db, sql: "SELECT rowid, patient_key FROM device_link WHERE device_key = ? AND end IS NULL", arguments: [key])
        let patientKey = try patient.flatMap { try self.key("Patient", $0, db) }
        if let open {
            let openPatient: Int64 = open["patient_key"]
            if openPatient == patientKey { return }
            try db.execute(sql: "UPDATE device_link SET end = ? WHERE rowid = ?", arguments: [time, open["rowid"] as Int64])
        }
        if let patientKey {
            try db.execute(sql: "INSERT INTO device_link (device_key, patient_key, start) VALUES (?, ?, ?)", arguments: [key, patientKey, time])
        }
    }

    public func referrers(of target: FHIRReference, limit: Int) async throws -> [String] {
        // Every reference parameter's name, so the (param, target) index answers rather than a
        // scan of every reference row.
        let parameters = SQLFragment.in("s.param", Self.referenceParameters)
        return try await pool.read { db in
            var found = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT r.type || '/' || r.id FROM search_reference s JOIN resource r ON r.key = s.resource_key
                    WHERE \(parameters.sql) AND s.target = ? AND r.deleted = 0 AND NOT (r.type = ? AND r.id = ?) LIMIT ?
                    """,
                arguments: StatementArguments(parameters.arguments + [target.description, target.type, target.id, limit]))
            if target.type == "Patient" || target.type == "Device", let key = try self.key(target.type, target.id, db) {
                let column = target.type == "Patient" ? "patient_key" : "device_key"
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM reading WHERE \(column) = ?)", arguments: [key]) == true {
                    found.append("device readings")
                }
            }
            return found
        }
    }

    /// The names of the reference search parameters of every stored type.
    private static let referenceParameters: [String] = Set(
        FHIRResourceType.allCases.flatMap { FHIRSearchParameter.parameters(of: $0).values.filter { $0.kind == .reference }.map(\.name) }
    ).sorted()

    static func storedResource(_ row: Row) throws -> StoredResource {
        let typeName: String = row["type"]
        guard let type = FHIRResourceType(rawValue: typeName) else {
            throw VigilError(.internal, "stored resource has unknown type \(typeName)")
        }
        return StoredResource(
            type: type, id: row["id"], version: row["version"], lastUpdated: row["last_updated"],
            compartment: row["compartment"], json: try JSON.parse(row["json"] as String), isDeleted: row["deleted"] ?? false
        )
    }

    func storedResource(_ reading: StoredReading) -> StoredResource {
        StoredResource(
            type: .observation, id: String(reading.id), version: 1, lastUpdated: reading.reading.received,
            compartment: "Patient/\(reading.reading.patient)", json: reading.observation(catalog: catalog)
        )
    }
}

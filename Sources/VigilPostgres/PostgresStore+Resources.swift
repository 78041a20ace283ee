public import VigilCore

extension PostgresStore {
    public func resource(_ type: FHIRResourceType, id: String) async throws -> StoredResource? {
        if type == .observation, FHIRID.isReadingID(id) {
            guard let number = Int64(id) else { return nil }
            return try await read { db in try await self.readings(ids: [number], db).first.map(self.storedResource) }
        }
        return try await read { db in
            try await db.row(
                "SELECT type, id, version, last_updated, compartment, json, deleted FROM resource WHERE type = ? AND id = ?", [type.rawValue, id]
            ).map(Self.storedResource)
        }
    }

    public func resource(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource? {
        if type == .observation, FHIRID.isReadingID(id) {
            return version == 1 ? try await resource(type, id: id) : nil
        }
        // The compartment is that version's own: an earlier version of a moved device is in its
        // earlier patient's record.
        return try await read { db in
            try await db.row(
                """
                SELECT r.type, r.id, h.version, h.last_updated, NULL AS compartment, h.json, h.deleted
                FROM resource r JOIN resource_history h ON h.resource_key = r.key
                WHERE r.type = ? AND r.id = ? AND h.version = ?
                """, [type.rawValue, id, version]
            ).map(Self.storedResource)
        }.map { stored in
            var stored = stored
            stored.compartment = ResourcePreparation.compartment(of: stored.json, type: type, id: id)
            return stored
        }
    }

    /// Writes one resource version with its search and access rows, inside the caller's transaction.
    func apply(_ write: ResourceWrite, _ db: Database) async throws {
        let r = write.resource
        let text = r.json.text
        let existing = try await db.row("SELECT key, version FROM resource WHERE type = ? AND id = ?", [r.type.rawValue, r.id])
        let key: Int64
        // The patients whose population facts this write changes: those of the version replaced and of this one.
        let populated = PopulationFact.sourceTypes.contains(r.type)
        var changed: Set<String> = []
        switch write.mode {
        case .create:
            guard existing == nil else {
                throw VigilError(.conflict, "\(r.type.rawValue)/\(r.id) already exists")
            }
            key = try await db.value(
                "INSERT INTO resource (type, id, version, last_updated, compartment, json) VALUES (?, ?, ?, ?, ?, ?) RETURNING key",
                [r.type.rawValue, r.id, r.version, r.lastUpdated, r.compartment, text], as: Int64.self)!
        case .update(let replacing), .delete(let replacing):
            guard let existing else { throw VigilError(.notFound, "\(r.type.rawValue)/\(r.id) does not exist") }
            let current: Int = existing["version"]
            guard current == replacing else {
                throw VigilError(.conflict, "\(r.type.rawValue)/\(r.id) changed meanwhile (now version \(current)); read it and try again")
            }
            key = existing["key"]
            try await db.execute(
                "UPDATE resource SET version = ?, last_updated = ?, compartment = ?, json = ?, deleted = ? WHERE key = ?",
                [r.version, r.lastUpdated, r.compartment, text, r.isDeleted, key])
            if populated { changed = try await Self.populationPatients(of: key, db) }
            for table in PostgresSchema.searchTables + PostgresSchema.populationTables + ["access_link"] {
                try await db.execute("DELETE FROM \(table) WHERE resource_key = ?", [key])
            }
        }
        try await db.execute(
            "INSERT INTO resource_history (resource_key, version, last_updated, json, deleted) VALUES (?, ?, ?, ?, ?)",
            [key, r.version, r.lastUpdated, text, r.isDeleted])
        try await Self.insertIndex(write.index, key: key, db)
        if populated {
            let facts = r.isDeleted ? [] : PopulationFact.facts(of: r.json, type: r.type, id: r.id)
            try await Self.insertPopulation(facts, key: key, db)
            changed.formUnion(facts.map(\.patient))
            try await Self.notePopulationChanges(changed, db)
        }
        for link in write.accessLinks {
            try await db.execute(
                "INSERT INTO access_link (resource_key, kind, target, start, \"end\") VALUES (?, ?, ?, ?, ?)",
                [key, link.kind.rawValue, link.target, link.start, link.end])
        }
        if r.type == .device {
            try await relinkDevice(key: key, patient: r.isDeleted ? nil : r.patient, at: write.linkStart ?? r.lastUpdated, db)
        }
    }

    /// Writes a resource's search index, a statement per kind of parameter.
    static func insertIndex(_ entries: [FHIRIndexEntry], key: Int64, _ db: Database) async throws {
        var rows: [String: [SQLFragment]] = [:]
        for entry in entries {
            switch entry.value {
            case .token(let system, let code):
                rows["search_token (resource_key, param, system, code)", default: []].append(
                    SQLFragment("(?, ?, ?, ?)", [key, entry.parameter, system, code]))
            case .reference(let target):
                rows["search_reference (resource_key, param, target)", default: []].append(SQLFragment("(?, ?, ?)", [key, entry.parameter, target]))
            case .date(let low, let high):
                rows["search_date (resource_key, param, low, high)", default: []].append(
                    SQLFragment("(?, ?, ?, ?)", [key, entry.parameter, low, high]))
            case .string(let value):
                rows["search_string (resource_key, param, value, raw)", default: []].append(
                    SQLFragment("(?, ?, ?, ?)", [key, entry.parameter, FHIRIndexer.normalize(value), value]))
            case .quantity(let low, let high, let system, let code):
                rows["search_quantity (resource_key, param, low, high, system, code)", default: []].append(
                    SQLFragment("(?, ?, ?::float8, ?::float8, ?, ?)", [key, entry.parameter, low, high, system, code]))
            }
        }
        for (table, values) in rows {
            for chunk in values.chunked(1000) {
                var insert = SQLFragment("INSERT INTO \(table) VALUES " + chunk.map(\.sql).joined(separator: ", "))
                insert.arguments = chunk.flatMap(\.arguments)
                try await db.rows(insert)
            }
        }
    }

    /// Keeps the device's link history: when its patient changes, the open link ends and a new one starts.
    private func relinkDevice(key: Int64, patient: String?, at time: Int64, _ db: Database) async throws {
        let open = try await db.row("SELECT id, patient_key FROM device_link WHERE device_key = ? AND \"end\" IS NULL", [key])
        var patientKey: Int64?
        if let patient { patientKey = try await self.key("Patient", patient, db) }
        if let open {
            let openPatient: Int64 = open["patient_key"]
            if openPatient == patientKey { return }
            try await db.execute("UPDATE device_link SET \"end\" = ? WHERE id = ?", [time, open["id"] as Int64])
        }
        if let patientKey {
            try await db.execute("INSERT INTO device_link (device_key, patient_key, start) VALUES (?, ?, ?)", [key, patientKey, time])
        }
    }

    public func referrers(of target: FHIRReference, limit: Int) async throws -> [String] {
        try await read { db in
            var found = try await db.values(
                """
                SELECT DISTINCT r.type || '/' || r.id FROM search_reference s JOIN resource r ON r.key = s.resource_key
                WHERE s.param = ANY(?::text[]) AND s.target = ? AND r.deleted = 0 AND NOT (r.type = ? AND r.id = ?) LIMIT ?
                """, [Self.referenceParameters, target.description, target.type, target.id, limit], as: String.self)
            if target.type == "Patient" || target.type == "Device", let key = try await self.key(target.type, target.id, db) {
                let column = target.type == "Patient" ? "patient_key" : "device_key"
                if try await db.value("SELECT EXISTS (SELECT 1 FROM reading WHERE \(column) = ?)", [key], as: Bool.self) == true {
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

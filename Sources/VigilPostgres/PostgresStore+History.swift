public import VigilCore

extension PostgresStore {
    public func history(_ query: HistoryQuery) async throws -> [StoredResource] {
        var conditions: [SQLFragment] = []
        if let type = query.type { conditions.append(SQLFragment("r.type = ?", [type.rawValue])) }
        if let id = query.id { conditions.append(SQLFragment("r.id = ?", [id])) }
        if let since = query.since { conditions.append(SQLFragment("h.last_updated >= ?", [since])) }
        if let scope = SQLFragment.scope(query.scope) { conditions.append(scope) }
        let select = SQLFragment(
            """
            SELECT r.type, r.id, h.version, h.last_updated, NULL AS compartment, h.json, h.deleted
            FROM resource_history h JOIN resource r ON r.key = h.resource_key WHERE 
            """
        ).appending(SQLFragment.all(conditions))
            .appending(" ORDER BY h.last_updated DESC, h.resource_key DESC, h.version DESC LIMIT ?", [query.count])
        return try await read { db in
            try await db.rows(select).map { row in
                // Each version's compartment is its own (an earlier version of a moved device is
                // in the record of the patient it was on then).
                var stored = try Self.storedResource(row)
                stored.compartment = ResourcePreparation.compartment(of: stored.json, type: stored.type, id: stored.id)
                return stored
            }
        }
    }
}

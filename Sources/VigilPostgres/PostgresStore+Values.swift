public import VigilCore

extension PostgresStore {
    public func values(of code: String, after cursor: ValuePage.Cursor, limit: Int) async throws -> ValuePage {
        try await read { db in
            var values: [ValuePage.Entry] = []
            var next = cursor
            if cursor.reading == nil {
                // Stored Observations with the code, a number for a value and an effective time, of a stored Patient.
                let rows = try await db.rows(
                    """
                    SELECT r.key, p.key, (r.json::jsonb #>> '{valueQuantity,value}')::float8,
                        (SELECT min(d.low) FROM search_date d WHERE d.resource_key = r.key AND d.param = 'date')
                    FROM resource r LEFT JOIN resource p ON p.type = 'Patient' AND p.id = substr(r.compartment, 9)
                    WHERE r.key IN (SELECT resource_key FROM search_token WHERE param = 'code' AND code = ?)
                        AND r.type = 'Observation' AND r.deleted = 0 AND r.key > ? AND r.compartment LIKE 'Patient/%'
                        AND jsonb_typeof(r.json::jsonb #> '{valueQuantity,value}') = 'number'
                        AND coalesce(r.json::jsonb ->> 'status', '') NOT IN ('entered-in-error', 'cancelled')
                    ORDER BY r.key LIMIT ?
                    """, [code, cursor.resourceKey, limit])
                for row in rows {
                    next.resourceKey = row[0]
                    guard let patient = row[1] as Int64?, let time = row[3] as Int64? else { continue }
                    values.append(ValuePage.Entry(patientKey: patient, value: row[2], time: time))
                }
                if rows.count == limit { return ValuePage(values: values, next: next) }
            }
            // Readings, a code key at a time in id order from the index reading_code, which holds what is read.
            let after = next.reading ?? .init(codeKey: .min, id: 0)
            let end = cursor.end ?? .init(codeKey: .max, id: .max)
            for codeKey in try await db.values(
                "SELECT key FROM code WHERE code = ? AND key BETWEEN ? AND ? ORDER BY key", [code, after.codeKey, end.codeKey], as: Int64.self)
            {
                let room = limit - values.count
                let rows = try await db.rows(
                    "SELECT id, patient_key, value, time FROM reading WHERE code_key = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
                    [codeKey, codeKey == after.codeKey ? after.id : 0, codeKey == end.codeKey ? end.id : .max, room])
                for row in rows {
                    next.reading = .init(codeKey: codeKey, id: row[0])
                    values.append(ValuePage.Entry(patientKey: row[1], value: row[2], time: row[3]))
                }
                if rows.count == room { return ValuePage(values: values, next: next) }
            }
            return ValuePage(values: values, next: nil)
        }
    }

    public func valueParts(of code: String, count: Int) async throws -> [ValuePage.Cursor] {
        try await read { db in
            let ranges = try await db.rows(
                """
                SELECT c.key, (SELECT min(id) FROM reading WHERE code_key = c.key), (SELECT max(id) FROM reading WHERE code_key = c.key)
                FROM code c WHERE c.code = ? ORDER BY c.key
                """, [code]
            ).compactMap { row -> (codeKey: Int64, low: Int64, high: Int64)? in
                guard let low = row[1] as Int64?, let high = row[2] as Int64? else { return nil }
                return (row[0], low, high)
            }
            return ValuePage.Cursor.parts(of: ranges, count: count)
        }
    }
}

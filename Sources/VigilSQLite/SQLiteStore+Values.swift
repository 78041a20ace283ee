import GRDB
public import VigilCore

extension SQLiteStore {
    public func values(of code: String, after cursor: ExportCursor, limit: Int) async throws -> ValuePage {
        try await pool.read { db in
            var values: [ValuePage.Entry] = []
            var next = cursor
            if cursor.readingID == nil {
                // Stored Observations with the code, a number for a value and an effective time.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.key, r.compartment, json_extract(r.json, '$.valueQuantity.value'),
                            (SELECT min(d.low) FROM search_date d WHERE d.resource_key = r.key AND d.param = 'date')
                        FROM resource r
                        WHERE r.key IN (SELECT resource_key FROM search_token WHERE param = 'code' AND code = ?)
                            AND r.type = 'Observation' AND r.deleted = 0 AND r.key > ? AND r.compartment LIKE 'Patient/%'
                            AND json_type(r.json, '$.valueQuantity.value') IN ('integer', 'real')
                            AND json_extract(r.json, '$.status') NOT IN ('entered-in-error', 'cancelled')
                        ORDER BY r.key LIMIT ?
                        """,
                    arguments: [code, cursor.resourceKey, limit])
                var read = 0
                while let row = try rows.next() {
                    (read, next.resourceKey) = (read + 1, row[0])
                    guard let time = row[3] as Int64? else { continue }
                    values.append(ValuePage.Entry(patient: row[1], value: row[2], time: time))
                }
                if read == limit { return ValuePage(values: values, next: next) }
                next.readingID = 0
            }
            let room = limit - values.count
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, p.id, r.value, r.time FROM reading r JOIN resource p ON p.key = r.patient_key
                    WHERE r.code_key IN (SELECT key FROM code WHERE code = ?) AND r.id > ? ORDER BY r.id LIMIT ?
                    """,
                arguments: [code, next.readingID, room])
            values += rows.map { ValuePage.Entry(patient: "Patient/" + ($0[1] as String), value: $0[2], time: $0[3]) }
            if let last = rows.last { next.readingID = last[0] }
            return ValuePage(values: values, next: rows.count == room ? next : nil)
        }
    }
}

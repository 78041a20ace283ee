import GRDB
import GRDBSQLite
public import VigilCore

extension SQLiteStore {
    public func values(of code: String, after cursor: ValuePage.Cursor, limit: Int) async throws -> ValuePage {
        try await pool.read { db in
            var values: [ValuePage.Entry] = []
            var next = cursor
            if cursor.reading == nil {
                // Stored Observations with the code, a number for a value and an effective time, of a stored Patient.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.key, p.key, json_extract(r.json, '$.valueQuantity.value'),
                            (SELECT min(d.low) FROM search_date d WHERE d.resource_key = r.key AND d.param = 'date')
                        FROM resource r LEFT JOIN resource p ON p.type = 'Patient' AND p.id = substr(r.compartment, 9)
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
                    guard let patient = row[1] as Int64?, let time = row[3] as Int64? else { continue }
                    values.append(ValuePage.Entry(patientKey: patient, value: row[2], time: time))
                }
                if read == limit { return ValuePage(values: values, next: next) }
            }
            // Readings, a code key at a time in id order from the index reading_code, which holds
            // what is read: millions are read for one question, stepped with SQLite's C API.
            let statement = try db.cachedStatement(sql: Self.readingValuesSQL)
            let handle = statement.sqliteStatement
            let after = next.reading ?? .init(codeKey: .min, id: 0)
            let end = cursor.end ?? .init(codeKey: .max, id: .max)
            for codeKey in try Int64.fetchAll(
                db, sql: "SELECT key FROM code WHERE code = ? AND key BETWEEN ? AND ? ORDER BY key", arguments: [code, after.codeKey, end.codeKey])
            {
                let room = limit - values.count
                try statement.setArguments([codeKey, codeKey == after.codeKey ? after.id : 0, codeKey == end.codeKey ? end.id : .max, room])
                defer { sqlite3_reset(handle) }
                var read = 0
                while true {
                    let result = sqlite3_step(handle)
                    if result == SQLITE_DONE { break }
                    guard result == SQLITE_ROW else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: result), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                    read += 1
                    next.reading = .init(codeKey: codeKey, id: sqlite3_column_int64(handle, 0))
                    values.append(
                        ValuePage.Entry(
                            patientKey: sqlite3_column_int64(handle, 1), value: sqlite3_column_double(handle, 2),
                            time: sqlite3_column_int64(handle, 3)))
                }
                if read == room { return ValuePage(values: values, next: next) }
            }
            return ValuePage(values: values, next: nil)
        }
    }

    public func valueParts(of code: String, count: Int) async throws -> [ValuePage.Cursor] {
        try await pool.read { db in
            let ranges = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.key, (SELECT min(id) FROM reading WHERE code_key = c.key), (SELECT max(id) FROM reading WHERE code_key = c.key)
                    FROM code c WHERE c.code = ? ORDER BY c.key
                    """, arguments: [code]
            ).compactMap { row -> (codeKey: Int64, low: Int64, high: Int64)? in
                guard let low = row[1] as Int64?, let high = row[2] as Int64? else { return nil }
                return (row[0], low, high)
            }
            return ValuePage.Cursor.parts(of: ranges, count: count)
        }
    }

    /// One code key's readings after an id up to another, in id order, at most a number.
    static let readingValuesSQL = "SELECT id, patient_key, value, time FROM reading WHERE code_key = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?"
}

import GRDB
import GRDBSQLite
public import VigilCore

extension SQLiteStore {
    public func values(of code: String, after cursor: ExportCursor, limit: Int) async throws -> ValuePage {
        try await pool.read { db in
            var values: [ValuePage.Entry] = []
            var next = cursor
            if cursor.readingID == nil {
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
                next.readingID = 0
            }
            // Readings, stepped with SQLite's C API: millions are read for one question.
            let room = limit - values.count
            let statement = try db.cachedStatement(
                sql:
                    "SELECT id, patient_key, value, time FROM reading WHERE code_key IN (SELECT key FROM code WHERE code = ?) AND id > ? ORDER BY id LIMIT ?"
            )
            try statement.setArguments([code, next.readingID ?? 0, room])
            let handle = statement.sqliteStatement
            var read = 0
            defer { sqlite3_reset(handle) }
            while true {
                let result = sqlite3_step(handle)
                if result == SQLITE_DONE { break }
                guard result == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: result), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                read += 1
                next.readingID = sqlite3_column_int64(handle, 0)
                values.append(
                    ValuePage.Entry(
                        patientKey: sqlite3_column_int64(handle, 1), value: sqlite3_column_double(handle, 2), time: sqlite3_column_int64(handle, 3)))
            }
            return ValuePage(values: values, next: read == room ? next : nil)
        }
    }
}

import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    public func exportPage(_ type: FHIRResourceType, after cursor: ExportCursor, since: Int64?, limit: Int) async throws -> ExportPage {
        try await pool.read { db in
            var resources: [ExportPage.Entry] = []
            var next = cursor
            if cursor.readingID == nil {
                // Columns by position, the JSON as stored: an export passes it on unparsed.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT key, id, compartment, json FROM resource
                        WHERE type = ? AND key > ? AND deleted = 0 AND last_updated >= ? ORDER BY key LIMIT ?
                        """,
                    arguments: [type.rawValue, cursor.resourceKey, since ?? .min, limit])
                while let row = try rows.next() {
                    resources.append(
                        ExportPage.Entry(id: row[1], compartment: row[2], json: try row.withUnsafeData(atIndex: 3) { Array($0 ?? Data()) }))
                    next.resourceKey = row[0]
                }
                if resources.count == limit { return ExportPage(resources: resources, next: next) }
                guard type == .observation else { return ExportPage(resources: resources, next: nil) }
                next.readingID = 0
            }
            // The readings, after the stored Observations, to fill the page.
            let room = limit - resources.count
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.readingColumns) WHERE r.id > ? AND r.received >= ? ORDER BY r.id LIMIT ?",
                arguments: [next.readingID, since ?? .min, room])
            resources += rows.map { row in
                let reading = Self.storedReading(row)
                return ExportPage.Entry(
                    id: String(reading.id), compartment: "Patient/\(reading.reading.patient)",
                    json: reading.observation(catalog: catalog).serialized())
            }
            if let last = rows.last { next.readingID = last["id"] }
            return ExportPage(resources: resources, next: rows.count == room ? next : nil)
        }
    }
}

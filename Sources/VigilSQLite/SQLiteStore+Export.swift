import GRDB
public import VigilCore

extension SQLiteStore {
    public func exportPage(_ type: FHIRResourceType, after cursor: ExportCursor, since: Int64?, limit: Int) async throws -> ExportPage {
        try await pool.read { db in
            var resources: [StoredResource] = []
            var next = cursor
            if cursor.readingID == nil {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT key, type, id, version, last_updated, compartment, json, deleted FROM resource
                        WHERE type = ? AND key > ? AND deleted = 0 AND last_updated >= ? ORDER BY key LIMIT ?
                        """,
                    arguments: [type.rawValue, cursor.resourceKey, since ?? .min, limit])
                resources = try rows.map(Self.storedResource)
                if let last = rows.last { next.resourceKey = last["key"] }
                if rows.count == limit { return ExportPage(resources: resources, next: next) }
                guard type == .observation else { return ExportPage(resources: resources, next: nil) }
                next.readingID = 0
            }
            // The readings, after the stored Observations, to fill the page.
            let room = limit - resources.count
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.readingColumns) WHERE r.id > ? AND r.received >= ? ORDER BY r.id LIMIT ?",
                arguments: [next.readingID, since ?? .min, room])
            resources += rows.map { self.storedResource(Self.storedReading($0)) }
            if let last = rows.last { next.readingID = last["id"] }
            return ExportPage(resources: resources, next: rows.count == room ? next : nil)
        }
    }
}

public import VigilCore

extension PostgresStore {
    public func exportPage(_ type: FHIRResourceType, after cursor: ExportCursor, since: Int64?, limit: Int) async throws -> ExportPage {
        try await read { db in
            var resources: [ExportPage.Entry] = []
            var next = cursor
            if cursor.readingID == nil {
                // The JSON as stored: an export passes it on unparsed.
                let rows = try await db.rows(
                    """
                    SELECT key, id, compartment, json FROM resource
                    WHERE type = ? AND key > ? AND deleted = 0 AND last_updated >= ? ORDER BY key LIMIT ?
                    """, [type.rawValue, cursor.resourceKey, since ?? .min, limit])
                for row in rows {
                    resources.append(ExportPage.Entry(id: row[1], compartment: row[2], json: Array((row[3] as String).utf8)))
                    next.resourceKey = row[0]
                }
                if resources.count == limit { return ExportPage(resources: resources, next: next) }
                guard type == .observation else { return ExportPage(resources: resources, next: nil) }
                next.readingID = 0
            }
            // The readings, after the stored Observations, to fill the page.
            let room = limit - resources.count
            let rows = try await db.rows(
                "SELECT \(Self.readingColumns) WHERE r.id > ? AND r.received >= ? ORDER BY r.id LIMIT ?", [next.readingID ?? 0, since ?? .min, room])
            resources += rows.map { row in
                let reading = Self.storedReading(row)
                return ExportPage.Entry(
                    id: String(reading.id), compartment: "Patient/\(reading.reading.patient)",
                    json: reading.observation(catalog: self.catalog).serialized())
            }
            if let last = rows.last { next.readingID = last["id"] }
            return ExportPage(resources: resources, next: rows.count == room ? next : nil)
        }
    }
}

public import VigilCore

extension PostgresStore {
    public func search(_ query: FHIRSearchQuery) async throws -> SearchPage {
        try await read { db in
            let (page, next, total) = try await self.keys(query, db)
            let resources = try await self.resources(keys: page.filter { $0.kind == 0 }.map(\.key), db)
            let readings = try await self.readings(ids: page.filter { $0.kind == 1 }.map(\.key), db)
            let readingsByID = Dictionary(uniqueKeysWithValues: readings.map { ($0.id, $0) })
            let results: [StoredResource] = page.compactMap { item in
                item.kind == 0 ? resources[item.key] : readingsByID[item.key].map(self.storedResource)
            }
            return SearchPage(resources: results, next: next, total: total)
        }
    }

    public func searchIDs(_ query: FHIRSearchQuery) async throws -> [String] {
        try await read { db in try await self.keys(query, db).page.map(\.id) }
    }

    /// One page of a search's matches, in order: kind (0: a resource, 1: a reading), row key, and
    /// FHIR id; and where it ended when more follow.
    private func keys(_ query: FHIRSearchQuery, _ db: Database) async throws -> (
        page: [(kind: Int, key: Int64, id: String)], next: SearchCursor?, total: Int?
    ) {
        var parts: [SQLFragment] = [ResourceSearchSQL(query: query).select()]
        if query.type == .observation {
            parts.append(try await ReadingSearchSQL(query: query, catalog: catalog, store: self).select(db))
        }
        var total: Int?
        if query.includeTotal {
            var sum = 0
            for part in parts {
                sum += try await db.values(SQLFragment("SELECT COUNT(*) FROM (").appending(part).appending(") AS c"), as: Int.self)[0]
            }
            total = sum
        }
        guard query.count > 0 else { return ([], nil, total) }
        let sorts = Self.effectiveSort(query)
        let columns = sorts.indices.map { "s\($0)" } + ["kind", "key"]
        if let after = query.after {
            guard after.values.count == columns.count else {
                throw VigilError(.invalid, "_cursor belongs to a search with another sort", expression: "_cursor")
            }
            let condition = Self.after(after, columns: columns, descending: sorts.map(\.descending) + [false, false])
            parts = parts.map { SQLFragment("SELECT * FROM (").appending($0).appending(") AS a WHERE ").appending(condition) }
        }
        // Each half is ordered and cut on its own first, so that an index can serve it
        // (a patient's latest readings are read off the (patient, code, time) index).
        let order = Self.order(query)
        let offset = query.after == nil ? query.offset : 0
        let window = offset + query.count + 1
        var union = SQLFragment("")
        for (index, part) in parts.enumerated() {
            union = union.appending(index == 0 ? "SELECT * FROM (" : " UNION ALL SELECT * FROM (").appending(part)
                .appending(" ORDER BY \(order) LIMIT ?) AS h\(index)", [window])
        }
        let sortColumns = columns.dropLast(2).map { $0 + ", " }.joined()
        let rows = try await db.rows(
            SQLFragment("SELECT kind, key, id, \(sortColumns)kind AS cursor_kind, key AS cursor_key FROM (").appending(union)
                .appending(") AS u ORDER BY \(order) LIMIT ? OFFSET ?", [query.count + 1, offset]))
        let page = rows.prefix(query.count).map { (kind: $0[0] as Int, key: $0[1] as Int64, id: $0[2] as String) }
        var next: SearchCursor?
        if rows.count > query.count, let last = rows.prefix(query.count).last {
            next = SearchCursor(
                sort: query.sortDescription,
                (3..<(3 + columns.count)).map { index in
                    switch last.value(index) {
                    case .integer(let number): .integer(number)
                    case .real(let number): .real(number)
                    case .text(let text): .text(text)
                    default: .null
                    }
                })
        }
        return (page, next, total)
    }

    /// Rows strictly after `cursor` in the order of `columns` (each ascending or descending; SQL
    /// NULL sorts first ascending and last descending, as ``order(_:)`` asks).
    static func after(_ cursor: SearchCursor, columns: [String], descending: [Bool]) -> SQLFragment {
        func value(_ v: SearchCursor.Value) -> any SQLBindable {
            switch v {
            case .integer(let number): number
            case .real(let number): number
            case .text(let text): text
            case .null: SQLValue.null
            }
        }
        func equal(_ column: String, _ v: SearchCursor.Value) -> SQLFragment {
            v == .null ? SQLFragment("\(column) IS NULL") : SQLFragment("\(column) = ?", [value(v)])
        }
        func beyond(_ column: String, _ v: SearchCursor.Value, _ descending: Bool) -> SQLFragment {
            switch (v, descending) {
            case (.null, false): SQLFragment("\(column) IS NOT NULL")
            case (.null, true): .false
            case (_, false): SQLFragment("\(column) > ?", [value(v)])
            case (_, true): SQLFragment("(\(column) < ? OR \(column) IS NULL)", [value(v)])
            }
        }
        return .any(
            columns.indices.map { i in
                .all((0..<i).map { equal(columns[$0], cursor.values[$0]) } + [beyond(columns[i], cursor.values[i], descending[i])])
            })
    }

    /// The ORDER BY of a search over the union's columns `s0`, `s1`, … (one per sort key); NULL
    /// first ascending and last descending, as SQLite orders it, so a cursor means the same on both.
    static func order(_ query: FHIRSearchQuery) -> String {
        let keys = effectiveSort(query)
        let columns = keys.enumerated().map { i, key in "s\(i)\(key.descending ? " DESC NULLS LAST" : " NULLS FIRST")" }
        return (columns + ["kind", "key"]).joined(separator: ", ")
    }

    /// The sort a query asked for; observations default to newest first.
    static func effectiveSort(_ query: FHIRSearchQuery) -> [FHIRSearchQuery.SortKey] {
        if !query.sort.isEmpty { return query.sort }
        return query.type == .observation ? [.init("date", descending: true)] : []
    }

    private func resources(keys: [Int64], _ db: Database) async throws -> [Int64: StoredResource] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await db.rows(
            "SELECT key, type, id, version, last_updated, compartment, json FROM resource WHERE key = ANY(?::bigint[])", [keys])
        return Dictionary(uniqueKeysWithValues: try rows.map { ($0["key"] as Int64, try Self.storedResource($0)) })
    }

    /// SQL for a date comparison of a range `low...high` (column expressions) with a search value.
    static func datePredicate(_ value: FHIRSearchQuery.Value, low: String, high: String) -> SQLFragment {
        guard case .date(let prefix, let pLow, let pHigh) = value else { return .false }
        let contained = "\(low) >= ? AND \(high) <= ?"
        switch prefix {
        case .eq: return SQLFragment(contained, [pLow, pHigh])
        case .ne: return SQLFragment("NOT (\(contained))", [pLow, pHigh])
        case .gt: return SQLFragment("\(high) > ?", [pHigh])
        case .lt: return SQLFragment("\(low) < ?", [pLow])
        case .ge: return SQLFragment("\(high) > ? OR (\(contained))", [pHigh, pLow, pHigh])
        case .le: return SQLFragment("\(low) < ? OR (\(contained))", [pLow, pLow, pHigh])
        case .sa: return SQLFragment("\(low) > ?", [pHigh])
        case .eb: return SQLFragment("\(high) < ?", [pLow])
        case .ap: return .false
        }
    }

    /// SQL for a number or quantity comparison of a range `low...high` (column expressions; the
    /// same for a single value) with a search value: `eq` when the range lies within the precision
    /// of the number written, `gt` and the others against the number itself, `ap` within 10 %.
    static func quantityPredicate(_ value: FHIRSearchQuery.Value, low: String, high: String) -> SQLFragment {
        guard case .quantity(let prefix, let number, let pLow, let pHigh, _, _) = value else { return .false }
        let within = "\(low) >= ? AND \(high) < ?"
        switch prefix {
        case .eq: return SQLFragment(within, [pLow, pHigh])
        case .ne: return SQLFragment("NOT (\(within))", [pLow, pHigh])
        case .gt: return SQLFragment("\(high) > ?", [number])
        case .lt: return SQLFragment("\(low) < ?", [number])
        case .ge: return SQLFragment("\(high) >= ?", [number])
        case .le: return SQLFragment("\(low) <= ?", [number])
        case .sa: return SQLFragment("\(low) > ?", [number])
        case .eb: return SQLFragment("\(high) < ?", [number])
        case .ap: return SQLFragment("\(low) <= ? AND \(high) >= ?", [number + abs(number) * 0.1, number - abs(number) * 0.1])
        }
    }
}

public import VigilCore

extension PostgresStore {
    /// The table of this store that holds a SQLite table's rows (`user` is a reserved word here).
    static func table(forSQLite name: String) -> String { name == "user" ? "account" : name }

    /// Whether the store holds nothing yet: a store is moved only into an empty database.
    public func isEmpty() async throws -> Bool {
        try await read { db in
            try await db.value(
                "SELECT NOT EXISTS (SELECT 1 FROM resource) AND NOT EXISTS (SELECT 1 FROM audit) AND NOT EXISTS (SELECT 1 FROM account)",
                as: Bool.self) ?? false
        }
    }

    /// Adds rows read from another store's table as they are, in one transaction per chunk.
    public func load(_ chunk: TableChunk) async throws {
        guard !chunk.rows.isEmpty else { return }
        let table = Self.table(forSQLite: chunk.table)
        let columns = chunk.columns.map { "\"\($0)\"" }
        let rows = chunk.rows.map { $0.map(Self.value) }
        _ = try await write { db in try await db.insert(into: table, columns: columns, rows: rows, skippingStored: false) }
    }

    /// Sets each generated key to follow the largest loaded, so that what is written next does
    /// not collide with what was moved.
    public func finishLoading() async throws {
        try await write { db in
            let identities = try await db.rows(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")
            for identity in identities {
                let (table, column): (String, String) = (identity["table_name"], identity["column_name"])
                try await db.execute(
                    "SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max(\"\(column)\") FROM \(table)), 0) + 1, false)", [table, column])
            }
        }
    }

    private static func value(_ value: TableChunk.Value) -> SQLValue {
        switch value {
        case .integer(let number): .integer(number)
        case .real(let number): .real(number)
        case .text(let text): .text(text)
        case .blob(let bytes): .bytes(bytes)
        case .null: .null
        }
    }
}

import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    /// The tables that hold the store, in an order that loads without a dangling key.
    public static let tables = [
        "resource", "resource_history", "search_token", "search_reference", "search_date", "search_string", "search_quantity", "access_link",
        "device_link", "code", "reading", "quarantine", "user", "device_credential", "audit", "alert", "alert_event", "device_seen",
        "population_person", "population_fact", "population_change", "screening", "location_ping", "outbox", "webhook", "command",
        "command_event",
    ]

    /// Reads every row of `table`, as stored, in chunks of at most `rows`, handing each to `body`
    /// (in one read transaction: a consistent copy while the store is in use).
    public func dump(_ table: String, rows: Int, into body: @Sendable (TableChunk) async throws -> Void) async throws {
        guard Self.tables.contains(table) else { throw VigilError(.invalid, "\(table) is not a table of the store") }
        let (columns, keys) = try await pool.read { db in
            (try db.columns(in: table).map(\.name), try db.primaryKey(table).columns)
        }
        let key = "(\(keys.joined(separator: ", ")))"
        var after: [DatabaseValue]?
        while true {
            // In key order, a chunk at a time after the last key read: no transaction held across
            // the whole table, and each chunk found through the key's index.
            let from = after
            let (chunk, last) = try await pool.read { db -> (TableChunk, [DatabaseValue]?) in
                let filter = from.map { "WHERE \(key) > (\(Array(repeating: "?", count: $0.count).joined(separator: ", ")))" } ?? ""
                let cursor = try Row.fetchCursor(
                    db, sql: "SELECT \(keys.joined(separator: ", ")), * FROM \(table) \(filter) ORDER BY \(keys.joined(separator: ", ")) LIMIT ?",
                    arguments: StatementArguments((from ?? []) + [rows.databaseValue]))
                var chunk = TableChunk(table: table, columns: columns, rows: [])
                var last: [DatabaseValue]?
                while let row = try cursor.next() {
                    last = (0..<keys.count).map { row[$0] as DatabaseValue }
                    chunk.rows.append((keys.count..<(keys.count + columns.count)).map { Self.value(row[$0] as DatabaseValue) })
                }
                return (chunk, last)
            }
            guard let last else { return }
            try await body(chunk)
            after = last
        }
    }

    private static func value(_ value: DatabaseValue) -> TableChunk.Value {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .blob([UInt8](data))
        }
    }
}

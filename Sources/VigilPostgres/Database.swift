import Logging
import PostgresNIO
import VigilCore

/// One connection lent to a read or a write, with the few ways Vigil runs SQL on it.
struct Database: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Whether this is a write's transaction: keys read here are cached only once committed.
    let isInsideTransaction: Bool

    /// Runs a statement; its rows, all read.
    @discardableResult
    func rows(_ fragment: SQLFragment) async throws -> [Row] {
        do {
            var rows: [Row] = []
            for try await row in try await connection.query(fragment.query, logger: logger) { rows.append(Row(row)) }
            return rows
        } catch {
            throw PostgresStore.translate(error)
        }
    }

    @discardableResult
    func rows(_ sql: String, _ arguments: [any SQLBindable] = []) async throws -> [Row] {
        try await rows(SQLFragment(sql, arguments))
    }

    /// Runs a statement for its effect.
    func execute(_ sql: String, _ arguments: [any SQLBindable] = []) async throws {
        try await rows(SQLFragment(sql, arguments))
    }

    /// The first row, if any.
    func row(_ sql: String, _ arguments: [any SQLBindable] = []) async throws -> Row? {
        try await rows(SQLFragment(sql, arguments)).first
    }

    /// The first column of the first row; nil when there is no row or it is NULL.
    func value<T: SQLReadable>(_ sql: String, _ arguments: [any SQLBindable] = [], as type: T.Type = T.self) async throws -> T? {
        guard let row = try await row(sql, arguments) else { return nil }
        return row[0] as T?
    }

    /// The first column of every row.
    func values<T: SQLReadable>(_ fragment: SQLFragment, as type: T.Type = T.self) async throws -> [T] {
        try await rows(fragment).map { $0[0] as T }
    }

    func values<T: SQLReadable>(_ sql: String, _ arguments: [any SQLBindable] = [], as type: T.Type = T.self) async throws -> [T] {
        try await values(SQLFragment(sql, arguments))
    }

    /// Inserts rows in statements of at most 60,000 values (PostgreSQL takes 65,535 parameters a
    /// statement), a row whose key is stored already skipped when `skippingStored` (else refused);
    /// the `returning` columns of those stored.
    @discardableResult
    func insert(into table: String, columns: [String], rows: [[any SQLBindable]], skippingStored: Bool = true, returning: String? = nil)
        async throws -> [Row]
    {
        var stored: [Row] = []
        for chunk in rows.chunked(max(1, 60_000 / columns.count)) {
            var insert = SQLFragment("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ")
            insert.sql += chunk.map { "(" + Array(repeating: "?", count: $0.count).joined(separator: ", ") + ")" }.joined(separator: ", ")
            if skippingStored { insert.sql += " ON CONFLICT DO NOTHING" }
            if let returning { insert.sql += " RETURNING \(returning)" }
            insert.arguments = chunk.flatMap { $0.map(\.sqlValue) }
            stored += try await self.rows(insert)
        }
        return stored
    }
}

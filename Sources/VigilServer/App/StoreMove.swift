import Foundation
import Synchronization
import VigilCore
public import VigilPostgres
public import VigilSQLite

/// Moves an install from SQLite to PostgreSQL: every table copied row by row as it is stored
/// (ids, producer keys and the audit chain with its hashes unchanged), so that the same data
/// folder's keys and audit anchor go on verifying it, and devices resending what was stored are
/// told it was.
public enum StoreMove {
    /// Copies `source` into `target`, which must hold nothing yet; the rows copied, by table.
    public static func copy(
        from source: SQLiteStore, to target: PostgresStore, progress: @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> [String: Int] {
        guard try await target.isEmpty() else {
            throw VigilError(.conflict, "the PostgreSQL database already holds a record: a store is moved only into an empty one")
        }
        var copied: [String: Int] = [:]
        for table in SQLiteStore.tables {
            let count = Counter()
            try await source.dump(table, rows: 20_000) { chunk in
                try await target.load(chunk)
                progress(table, count.add(chunk.rows.count))
            }
            copied[table] = count.value
        }
        try await target.finishLoading()
        return copied
    }

    private final class Counter: Sendable {
        private let total = Mutex(0)
        func add(_ rows: Int) -> Int {
            total.withLock {
                $0 += rows; return $0
            }
        }
        var value: Int { total.withLock { $0 } }
    }
}

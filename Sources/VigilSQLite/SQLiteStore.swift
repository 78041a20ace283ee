import Foundation
public import GRDB
import Synchronization
public import VigilCore

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so that a commit
/// survives a power loss, not only a process crash.
///
/// Readings live in a compact table (integer keys, one unique index on the producer key and
/// one on patient, code and time); FHIR resources as JSON with side tables for search.
///
/// ```swift
/// let store = try SQLiteStore(path: "vigil-data/vigil.sqlite")
/// ```
public final class SQLiteStore: VigilStore {
    /// The connection pool (one writer, several readers).
    public let pool: DatabasePool
    let catalog: CodeCatalog
    /// Resource keys of patients and devices, by `Type/id`. Keys never change and resources are
    /// never deleted, so entries stay true; only keys read from committed data are cached.
    let keyCache = Mutex<[String: Int64]>([:])
    /// The directory ``temporary(catalog:)`` made, removed when the store goes.
    private let temporaryDirectory: URL?

    /// Opens (creating when needed) the store at `path` and brings its schema up to date.
    /// - Parameters:
    ///   - readers: how many connections may read while one writes.
    ///   - writerCacheMegabytes: the writer's page cache. A bulk load whose rows land all over
    ///     large indexes (weeks of every wearer's pings) keeps them in a larger one.
    public convenience init(path: String, catalog: CodeCatalog = .standard, readers: Int = 8, writerCacheMegabytes: Int = 32) throws {
        try self.init(path: path, catalog: catalog, readers: readers, temporaryDirectory: nil, writerCacheMegabytes: writerCacheMegabytes)
    }

    private init(path: String, catalog: CodeCatalog, readers: Int, temporaryDirectory: URL?, writerCacheMegabytes: Int = 32) throws {
        self.temporaryDirectory = temporaryDirectory
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = readers
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            if !db.configuration.readonly {
                // The writer touches an index page per reading of each of thousands of devices:
                // with SQLite's 2 MiB default it re-read them from the WAL in every commit, and a
                // checkpoint every 1,000 pages came after nearly every commit.
                try db.execute(sql: "PRAGMA cache_size = -\(writerCacheMegabytes * 1024)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 4000")
            }
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.catalog = catalog
        let migrator = SQLiteSchema.migrator
        let unknown = try pool.read { db in try migrator.appliedIdentifiers(db).subtracting(migrator.migrations) }
        guard unknown.isEmpty else {
            throw VigilError(
                .conflict,
                "\(path) was written by a newer version of Vigil (schema \(unknown.sorted().joined(separator: ", ")) is unknown to this one): run that version, or restore a backup taken before the upgrade"
            )
        }
        try migrator.migrate(pool)
    }

    /// Opens a store in a new temporary directory (for tests and benchmarks), removed with the store.
    public static func temporary(catalog: CodeCatalog = .standard) throws -> SQLiteStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try SQLiteStore(
            path: directory.appendingPathComponent("vigil.sqlite").path, catalog: catalog, readers: 8, temporaryDirectory: directory)
    }

    deinit {
        if let temporaryDirectory { try? FileManager.default.removeItem(at: temporaryDirectory) }
    }

    /// The file the store lives in.
    public var path: String { pool.path }

    /// Closes the database; pending writes have committed when this returns.
    public func close() throws { try pool.close() }
}

extension SQLiteStore {
    /// The key of a resource, looked up in the cache, then the database. Keys found inside a
    /// transaction are cached only when `committed` says the resource was stored before it began.
    func key(_ type: String, _ id: String, _ db: Database, committed: Bool = false) throws -> Int64? {
        let name = "\(type)/\(id)"
        if let key = keyCache.withLock({ $0[name] }) { return key }
        let statement = try db.cachedStatement(sql: "SELECT key FROM resource WHERE type = ? AND id = ?")
        guard let key = try Int64.fetchOne(statement, arguments: [type, id]) else { return nil }
        if committed || !db.isInsideTransaction { keyCache.withLock { $0[name] = key } }
        return key
    }

    /// Maps a GRDB error to a ``VigilError`` where it has a meaning for callers.
    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY: return VigilError(.unavailable, "the database is busy", retryAfter: 1)
        case .SQLITE_FULL:
            return VigilError(.unavailable, "the database's disk is full: nothing was stored; retry when there is space", retryAfter: 5)
        case .SQLITE_IOERR: return VigilError(.unavailable, "the database could not write (I/O error): nothing was stored; retry", retryAfter: 5)
        default: return error
        }
    }
}

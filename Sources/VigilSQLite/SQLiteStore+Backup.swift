import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    /// Copies the database to a new file at `path` (created 0600) with SQLite's online backup:
    /// one consistent snapshot, taken while the server goes on writing. Returns the audit head
    /// the copy ends at.
    /// - Throws: ``VigilError`` `.conflict` when `path` exists.
    public func backup(to path: String) throws -> AuditHead? {
        try Self.createPrivateFile(path)
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        defer { try? copy.close() }
        return try copy.read { db in try self.auditHead(db) }
    }

    /// Restores a backup taken by ``backup(to:)`` into a new database at `path` (created 0600),
    /// checked page by page (`PRAGMA integrity_check`); the store opened on it brings its schema
    /// up to date.
    /// - Throws: ``VigilError`` `.conflict` when `path` exists, `.invalid` when `backup` is not a
    ///   sound SQLite database.
    public static func restore(from backup: String, to path: String, catalog: CodeCatalog = .standard) throws -> SQLiteStore {
        var readOnly = Configuration()
        readOnly.readonly = true
        let source: DatabaseQueue
        do {
            source = try DatabaseQueue(path: backup, configuration: readOnly)
            let check = try source.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            guard check == ["ok"] else { throw VigilError(.invalid, "\(backup) is damaged: \(check.prefix(3).joined(separator: "; "))") }
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.invalid, "\(backup) is not a Vigil backup: \(error)")
        }
        defer { try? source.close() }
        try createPrivateFile(path)
        let copy = try DatabaseQueue(path: path)
        try source.backup(to: copy)
        try copy.close()
        return try SQLiteStore(path: path, catalog: catalog)
    }

    private static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw VigilError(errno == EEXIST ? .conflict : .invalid, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        Foundation.close(descriptor)
    }
}

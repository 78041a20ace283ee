import Foundation
public import Logging
public import VigilCore
import VigilSQLite

/// Backups of a data directory that restore. A backup is the database, copied by SQLite's online
/// backup while the server runs, and an anchor for its audit chain (`FILE.head`, signed with the
/// audit key) so that a backup cut short is detected. The keys are not in it: they are kept
/// apart, and restoring needs the audit key that sealed the chain.
public enum DataBackup {
    /// The key files of a data directory, and whether a restore needs each one (without the token
    /// or broker key a new one is made: people sign in again and the broker's files are written anew;
    /// without the research key, every research project's pseudonyms change).
    static func keyFiles(of configuration: VigilConfiguration) -> [(path: String, required: Bool)] {
        [
            (configuration.resolvedAuditKeyFile, true), (configuration.tokenKeyFile, false), (configuration.brokerKeyFile, false),
            (configuration.researchKeyFile, false),
        ]
    }

    /// What a backup wrote.
    public struct Taken: Sendable {
        public var file: String
        public var anchor: String
        /// The audit record the copy ends at (its own backup event).
        public var head: AuditHead?
        /// The key files to keep apart from the backup.
        public var keys: [String]
    }

    /// Backs up the data directory of `configuration` to `file`, which must not exist. The backup
    /// is audited first, so that the copy holds the record of its own making.
    public static func take(configuration: VigilConfiguration, to file: String, logger: Logger) async throws -> Taken {
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw VigilError(.notFound, "no database at \(configuration.databasePath)")
        }
        let runtime = try VigilApplication.makeRuntime(configuration: configuration, logger: logger)
        guard let store = runtime.store as? SQLiteStore else { throw VigilError(.invalid, "vigil backup copies the SQLite store") }
        let event = AuditEvent(
            time: runtime.clock.now(), actor: "system/cli", role: "operator", action: .read, resource: "backup", client: "cli",
            detail: "whole database to \(file)")
        try await runtime.audit([event])
        let head = try store.backup(to: file)
        let anchor = AuditAnchor(path: file + ".head", sealer: runtime.sealer)
        if let head, !anchor.advance(to: head) { throw VigilError(.internal, "cannot write \(anchor.path)") }
        return Taken(
            file: file, anchor: anchor.path, head: head,
            keys: keyFiles(of: configuration).map(\.path))
    }

    /// What a restore did.
    public struct Restored: Sendable {
        public var verification: AuditVerifier.Report
        public var keysCopied: [String]
        public var keysMissing: [String]
    }

    /// Restores the backup `file` (and its anchor `file.head`) into the data directory of
    /// `configuration`, which must not exist or be empty, with the key files found in `keys` under
    /// their names (`audit.key`, …); then verifies the restored audit chain against the backup's anchor.
    public static func restore(from file: String, keys: String, into configuration: VigilConfiguration) async throws -> Restored {
        let manager = FileManager.default
        let directory = configuration.dataDirectory
        if let contents = try? manager.contentsOfDirectory(atPath: directory), !contents.isEmpty {
            throw VigilError(.conflict, "\(directory) is not empty: restore into a new data directory")
        }
        guard let anchorLine = manager.contents(atPath: file + ".head") else {
            throw VigilError(.invalid, "\(file).head, the anchor of the backup's audit chain, is missing")
        }
        var keyContents: [(path: String, data: Data)] = []
        var missing: [String] = []
        for (target, required) in keyFiles(of: configuration) {
            let name = URL(fileURLWithPath: target).lastPathComponent
            if let data = manager.contents(atPath: keys + "/" + name) {
                keyContents.append((target, data))
            } else if required {
                throw VigilError(.invalid, "\(keys)/\(name) is missing: the audit key that sealed the chain is needed")
            } else {
                missing.append(name)
            }
        }
        try manager.createDirectory(atPath: configuration.keyDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        for (path, data) in keyContents + [(configuration.auditAnchorFile, anchorLine)] {
            guard manager.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw VigilError(.internal, "cannot write \(path)")
            }
        }
        let store = try SQLiteStore.restore(from: file, to: configuration.databasePath)
        defer { try? store.close() }
        let sealer = HMACAuditSealer(key: try KeyFile.load(configuration.resolvedAuditKeyFile))
        let verifier = AuditVerifier(store: store, sealer: sealer, anchor: AuditAnchor(configuration: configuration, sealer: sealer))
        return Restored(verification: try await verifier.verify(), keysCopied: keyContents.map(\.path), keysMissing: missing)
    }
}

import Foundation
import Logging
import VigilCore

/// The data directory holds the patient record and the keys, so only the server's user may
/// read it: it is created 0700 and its files 0600; a directory or file found open to the group
/// or to others (created beforehand under a permissive umask) is closed, with a warning, or the
/// server refuses to start when it cannot close it.
enum DataDirectory {
    /// Prepares `path` and the empty database file `database`, so that SQLite's own files (its
    /// WAL and shared-memory index take the database file's mode) are the owner's only.
    static func prepare(_ path: String, database: String?, logger: Logger) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw VigilError(.internal, "cannot create the data directory \(path): \(error)")
        }
        try restrict(path, mode: 0o700, logger: logger)
        for name in (try? manager.contentsOfDirectory(atPath: path)) ?? [] {
            let file = path + "/" + name
            var status = stat()
            guard lstat(file, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFREG: try restrict(file, mode: 0o600, logger: logger)
            case S_IFDIR: try restrict(file, mode: 0o700, logger: logger)
            default: continue
            }
        }
        if let database, !manager.fileExists(atPath: database) {
            let fd = open(database, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw VigilError(.internal, "cannot create the database \(database): \(String(cString: strerror(errno)))") }
            close(fd)
        }
    }

    /// Takes the group's and others' permissions away from `path` when it has any.
    private static func restrict(_ path: String, mode: mode_t, logger: Logger) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { throw VigilError(.internal, "cannot read \(path): \(String(cString: strerror(errno)))") }
        let current = status.st_mode & 0o777
        guard current & 0o077 != 0 else { return }
        guard chmod(path, mode) == 0 else {
            throw VigilError(
                .internal,
                "\(path) is readable by others (mode \(String(current, radix: 8))) and cannot be changed: \(String(cString: strerror(errno)))")
        }
        logger.warning(
            "\(path) was open to others; it is the server's user's only now",
            metadata: ["was": "\(String(current, radix: 8))", "now": "\(String(mode, radix: 8))"])
    }
}

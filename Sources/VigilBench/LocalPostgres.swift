import Foundation
import Synchronization
import VigilCore

/// A PostgreSQL cluster of its own for a test or a benchmark: made with `initdb` in a new
/// temporary directory, listening on a free loopback port only (no socket: a temporary folder
/// may be deeper than a socket path may be long),
/// started and stopped with `pg_ctl`, removed with ``stop()``. PostgreSQL refuses to run as root:
/// as root, its programs run as the `postgres` system user Debian's package creates, and the
/// directory is that user's.
public final class LocalPostgres: Sendable {
    /// Where Debian installs the newest PostgreSQL's programs; nil when it is not installed.
    public static let binaries: String? = {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.compactMap(Int.init).sorted().last.map { "/usr/lib/postgresql/\($0)/bin" }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") ? $0 : nil }
    }()

    public let port: Int
    public let directory: String
    /// The database superuser, who owns the cluster.
    public let superuser = "vigil_admin"
    private let binaries: String
    private let owner: String?
    /// Whether every finished WAL segment is copied to ``archive`` (for point-in-time recovery).
    private let archiving: Bool

    /// Makes and starts the cluster, with the settings durability needs (`fsync`,
    /// `synchronous_commit`) left on.
    /// - Parameter archiving: copy each finished WAL segment to ``archive``, as a deployment's
    ///   `archive_command` does.
    public convenience init(archiving: Bool = false) throws {
        try self.init(archiving: archiving) { cluster in
            try cluster.run(
                "initdb", ["-D", cluster.directory + "/data", "-U", cluster.superuser, "--auth", "trust", "--encoding", "UTF8", "--no-instructions"])
            if archiving { try cluster.run("/bin/mkdir", ["-m", "0700", cluster.archive]) }
        }
    }

    /// A new directory, made the owner's, filled by `prepare`; then the cluster is started.
    private init(archiving: Bool, prepare: (LocalPostgres) throws -> Void) throws {
        guard let binaries = Self.binaries else { throw VigilError(.unavailable, "PostgreSQL is not installed (apt-get install postgresql)") }
        self.binaries = binaries
        self.archiving = archiving
        port = try Loopback.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-postgres-\(UUID().uuidString)").path
        owner = getuid() == 0 ? "postgres" : nil
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let owner {
            let chown = try ChildProcess.run("/usr/bin/chown", [owner, directory])
            guard chown.status == 0 else { throw VigilError(.internal, "cannot give \(directory) to \(owner): \(chown.output)") }
        }
        try prepare(self)
        try start()
    }

    /// Where finished WAL segments are copied when archiving.
    public var archive: String { directory + "/wal-archive" }

    private func start() throws {
        let archiveSettings = archiving ? " -c wal_level=replica -c archive_mode=on -c archive_command='cp %p \(archive)/%f'" : ""
        try run(
            "pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60",
                "-o", "-p \(port) -c unix_socket_directories='' -c listen_addresses=127.0.0.1 -c max_connections=400" + archiveSettings, "start",
            ])
    }

    /// Takes a base backup of the running cluster with `pg_basebackup` (its WAL streamed along);
    /// the folder it is in.
    public func baseBackup() async throws -> String {
        let folder = directory + "/base-\(UUID().uuidString)"
        try await Blocking.run {
            _ = try self.run(
                "pg_basebackup", ["-h", "127.0.0.1", "-p", "\(self.port)", "-U", self.superuser, "-D", folder, "-X", "stream", "-c", "fast"])
        }
        return folder
    }

    /// Ends the current WAL segment and waits until the archive has it: everything committed
    /// before is in the archive.
    public func archiveCurrentWAL() async throws {
        let segment = try await execute("SELECT pg_walfile_name(pg_switch_wal())").trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<300 {
            if FileManager.default.fileExists(atPath: archive + "/" + segment) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw VigilError(.unavailable, "WAL segment \(segment) was not archived")
    }

    /// A new cluster recovered from `baseBackup` (``baseBackup()``) with this cluster's WAL
    /// archive, replayed to its end, then opened for writing: point-in-time recovery to the last
    /// archived commit.
    public func recovered(fromBaseBackup baseBackup: String) async throws -> LocalPostgres {
        let archive = archive
        return try await Blocking.run {
            try LocalPostgres(archiving: false) { cluster in
                try cluster.run("/bin/cp", ["-a", baseBackup, cluster.directory + "/data"])
                let settings = "restore_command = 'cp \(archive)/%f %p'\nrecovery_target_action = 'promote'\n"
                try cluster.run(
                    "/bin/sh",
                    [
                        "-c",
                        "printf '%s' \"$0\" >> \(cluster.directory)/data/postgresql.auto.conf && touch \(cluster.directory)/data/recovery.signal",
                        settings,
                    ])
            }
        }
    }

    /// One cluster for a whole test or benchmark process, started on first use (off the
    /// cooperative pool: `initdb` takes seconds) and stopped when the process exits.
    public static func shared() async throws -> LocalPostgres { try await Blocking.run { try sharedCluster.get() } }

    private static let sharedCluster: Result<LocalPostgres, any Error> = {
        let result = Result { try LocalPostgres() }
        if case .success = result { atexit { if case .success(let cluster) = LocalPostgres.sharedCluster { cluster.stop() } } }
        return result
    }()

    private let databases = Mutex(0)

    /// Makes a new database (a copy of `template` when given); its URL.
    public func createDatabase(template: String? = nil) async throws -> String {
        let name = "vigil_\(databases.withLock { $0 += 1; return $0 })"
        _ = try await execute("CREATE DATABASE \(name)\(template.map { " TEMPLATE \($0)" } ?? "")")
        return url(database: name)
    }

    /// ``sql(_:database:)`` off the cooperative pool, for async tests.
    @discardableResult
    public func execute(_ statement: String, database: String = "postgres") async throws -> String {
        try await Blocking.run { try self.sql(statement, database: database) }
    }

    /// `postgres://vigil_admin@127.0.0.1:PORT/DATABASE`.
    public func url(database: String = "postgres") -> String { "postgres://\(superuser)@127.0.0.1:\(port)/\(database)" }

    /// Runs SQL with `psql` as the superuser; what it printed (unaligned, tuples only).
    public func sql(_ statement: String, database: String = "postgres") throws -> String {
        try run(
            "psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", superuser, "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement]
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server (fast shutdown: connections are closed), keeping the cluster, as a
    /// database restarted or out of reach is; ``resume()`` starts it again on the same port.
    public func pause() async throws {
        _ = try await Blocking.run { try self.run("pg_ctl", ["-D", self.directory + "/data", "-m", "fast", "-w", "stop"]) }
    }

    public func resume() async throws {
        try await Blocking.run { try self.start() }
    }

    /// Stops the cluster (fast shutdown) and removes its directory.
    public func stop() {
        _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one of PostgreSQL's programs, or the program at an absolute path, as the cluster's owner
    /// when this is root; what it printed.
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let path = program.hasPrefix("/") ? program : binaries + "/" + program
        let (executable, options) = owner.map { ("/usr/sbin/runuser", ["-u", $0, "--", path] + arguments) } ?? (path, arguments)
        let result = try ChildProcess.run(executable, options, in: directory, timeout: .seconds(120))
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
            throw VigilError(.internal, "\(program) failed (\(result.status)): \(result.output) \(log.suffix(2000))")
        }
        return result.output
    }
}

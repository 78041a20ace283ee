import Foundation
import Logging
public import PostgresNIO
import Synchronization
public import VigilCore

/// The store on PostgreSQL, for several Vigil nodes on one database (and PostgreSQL's own
/// replication, backup and point-in-time recovery).
///
/// The same tables as ``SQLiteStore``'s, written the same way: every change through one
/// ``apply(_:sealer:)`` transaction with its audit events. Writes take one transaction-scoped
/// advisory lock, so that the audit chain stays one chain and reading ids grow in commit order
/// whichever node writes; reads run beside them on other connections. Durability is
/// PostgreSQL's: the server's `fsync` and `synchronous_commit`, which Vigil does not turn off.
///
/// ```swift
/// let store = try await PostgresStore(url: "postgres://vigil@db:5432/vigil")
/// ```
public final class PostgresStore: VigilStore {
    public let client: PostgresClient
    let catalog: CodeCatalog
    let logger: Logger
    /// Resource keys of patients and devices, by `Type/id`, and code keys: never change once committed.
    let keyCache = Mutex<[String: Int64]>([:])
    private let runner: Task<Void, Never>
    private let turn = WriteTurn()
    /// Operations holding a connection now, and the most the pool opens: a wait for a connection
    /// while every one is busy is load, not an outage.
    private let holding = Holding()
    private let maximumConnections: Int
    /// This process among the nodes on the database (``SharedStore``).
    public let node = UUID().uuidString.lowercased()

    /// Connects to the database at `url` (``PostgresLocation``) and brings its schema up to date.
    /// - Parameter connections: the most connections this node opens.
    public convenience init(url: String, catalog: CodeCatalog = .standard, connections: Int = 16) async throws {
        var configuration = try PostgresLocation(url: url).configuration
        configuration.options.maximumConnections = connections
        configuration.options.connectTimeout = .seconds(5)
        try await self.init(configuration: configuration, catalog: catalog)
    }

    public init(configuration: PostgresClient.Configuration, catalog: CodeCatalog = .standard) async throws {
        var logger = Logger(label: "vigil.postgres")
        logger.logLevel = .error
        self.logger = logger
        maximumConnections = configuration.options.maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.catalog = catalog
        // The pool runs as long as the store; ``close()`` ends it.
        runner = Task { await client.run() }
        do {
            try await requireDurability()
            try await PostgresSchema.migrate(self)
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// Refuses a database that would acknowledge what a crash can lose (`fsync` or
    /// `synchronous_commit` off): Vigil acknowledges only what is durable.
    private func requireDurability() async throws {
        try await read { db in
            for setting in ["fsync", "synchronous_commit"] {
                let value = try await db.value("SELECT current_setting(?)", [setting], as: String.self) ?? ""
                guard value != "off" else {
                    throw VigilError(
                        .unavailable,
                        "PostgreSQL has \(setting) off: a crash could lose what Vigil acknowledged; turn it on (postgresql.conf or ALTER DATABASE … SET)"
                    )
                }
            }
        }
    }

    /// Lets `role` read and write what Vigil writes and only add to the audit chain and the
    /// readings (``PostgresSchema/grant(to:_:)``); run by the tables' owner after migrating.
    public func grant(to role: String) async throws {
        try await write { db in try await PostgresSchema.grant(to: role, db) }
    }

    /// Closes every connection; writes that returned have committed.
    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    deinit { runner.cancel() }

    /// Runs reads on one connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await leased(timeout: Self.operationTimeout) { connection, logger in
            try await body(Database(connection: connection, logger: logger, isInsideTransaction: false))
        }
    }

    /// Runs writes in one transaction, after every other node's and task's write (the writer's lock).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await turn.run { try await self.transaction(body) }
    }

    private func transaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await leased(timeout: Self.operationTimeout) { connection, logger in
            let db = Database(connection: connection, logger: logger, isInsideTransaction: true)
            try await db.execute("BEGIN")
            do {
                try await db.execute("SELECT pg_advisory_xact_lock(?)", [Self.writerLock])
                let result = try await body(db)
                try await db.execute("COMMIT")
                return result
            } catch {
                try? await db.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// How long a read or write waits for a connection before it is refused with 503: while the
    /// database is out of reach, callers are told at once to retry, not held.
    static let leaseTimeout: Duration = .seconds(4)
    /// How long a read or write may run (a Synthea bundle's transaction, a population read
    /// whole): past it, its connection is closed, which ends a transaction uncommitted, and it
    /// fails with 503.
    static let operationTimeout: Duration = .seconds(300)
    /// How long an operation may go on once its connection is closed: a query whose server went
    /// away mid-query was seen never to return (postgres-nio 1.33.2), and every write after it
    /// would have waited behind it.
    static let closedGrace: Duration = .seconds(2)

    /// Runs `body` on a connection of the pool: 503 when none is had within ``leaseTimeout``,
    /// when its connection closes under it and it does not end, or when it runs past
    /// ``operationTimeout``. Then its connection is closed and it is left behind.
    private func leased<T: Sendable>(
        timeout: Duration, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let (client, logger, holding, maximum) = (self.client, self.logger, self.holding, self.maximumConnections)
        let lease = Lease<T>()
        let started = ContinuousClock.now
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    lease.start(continuation)
                    let work = Task {
                        do {
                            let value = try await client.withConnection { connection in
                                lease.connection.withLock { $0 = connection }
                                holding.count.add(1, ordering: .relaxed)
                                defer { holding.count.subtract(1, ordering: .relaxed) }
                                return try await body(connection, logger)
                            }
                            lease.finish(.success(value))
                        } catch {
                            lease.finish(.failure(error))
                        }
                    }
                    lease.timer.withLock {
                        $0 = Task {
                            try? await Task.sleep(for: Self.leaseTimeout)
                            // Every connection busy: wait on, as long as an operation may run.
                            while lease.connection.withLock({ $0 }) == nil, !lease.isFinished,
                                holding.count.load(ordering: .relaxed) >= maximum, ContinuousClock.now - started < timeout
                            {
                                try? await Task.sleep(for: .milliseconds(100))
                            }
                            guard let connection = lease.connection.withLock({ $0 }) else {
                                work.cancel()
                                lease.finish(
                                    .failure(
                                        VigilError(
                                            .unavailable,
                                            "no connection to the database within \(Self.leaseTimeout) (out of reach, or every connection busy); retry",
                                            retryAfter: 2)))
                                return
                            }
                            // Watched once a second: a closed connection is given a little
                            // while to fail its query, a live one the whole timeout.
                            var closedSince: ContinuousClock.Instant?
                            while !lease.isFinished {
                                try? await Task.sleep(for: .seconds(1))
                                if connection.isClosed { closedSince = closedSince ?? .now }
                                let stuck = closedSince.map { ContinuousClock.now - $0 > Self.closedGrace } ?? false
                                guard stuck || ContinuousClock.now - started > timeout, !lease.isFinished else { continue }
                                logger.error("a database operation did not end (its connection closed, or past \(timeout)): it is left behind")
                                work.cancel()
                                lease.finish(
                                    .failure(VigilError(.unavailable, "the database did not answer; nothing was stored; retry", retryAfter: 2)))
                                try? await connection.close()
                                return
                            }
                        }
                    }
                }
            } onCancel: {
                lease.finish(.failure(CancellationError()))
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// The advisory lock every write holds ("vigil" in ASCII).
    static let writerLock: Int64 = 0x7669_6769_6C

    /// The key of a resource, looked up in the cache, then the database. Keys found inside a
    /// transaction are cached only when `committed` says the resource was stored before it began.
    func key(_ type: String, _ id: String, _ db: Database, committed: Bool = false) async throws -> Int64? {
        let name = "\(type)/\(id)"
        if let key = keyCache.withLock({ $0[name] }) { return key }
        guard let key = try await db.value("SELECT key FROM resource WHERE type = ? AND id = ?", [type, id], as: Int64.self) else { return nil }
        if committed || !db.isInsideTransaction { keyCache.withLock { $0[name] = key } }
        return key
    }

    /// Maps a PostgreSQL error to a ``VigilError`` where it has a meaning for callers: the
    /// database out of reach or out of room is 503 with a time to retry, nothing stored.
    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return VigilError(.unavailable, "the database cannot be reached: nothing was stored; retry", retryAfter: 2)
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            if state.hasPrefix("53") {
                return VigilError(.unavailable, "the database is out of resources (\(state)): nothing was stored; retry", retryAfter: 5)
            }
            if state.hasPrefix("57P") || state.hasPrefix("08") || state == "40001" || state == "40P01" {
                return VigilError(.unavailable, "the database is not available (\(state)): nothing was stored; retry", retryAfter: 2)
            }
            return error
        default:
            return error
        }
    }
}

/// One operation on a leased connection: the connection once had, the timer watching it, and
/// its caller, answered once (by the operation, its timer, or cancellation).
private final class Lease<T: Sendable>: Sendable {
    let connection = Mutex<PostgresConnection?>(nil)
    let timer = Mutex<Task<Void, Never>?>(nil)
    private let caller = Mutex<(continuation: CheckedContinuation<T, any Error>?, finished: Bool)>((nil, false))

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let finished = caller.withLock { caller in
            caller.continuation = continuation
            return caller.finished
        }
        // Cancelled before it began.
        if finished { continuation.resume(throwing: CancellationError()) }
    }

    var isFinished: Bool { caller.withLock { $0.finished } }

    func finish(_ result: Result<T, any Error>) {
        let continuation = caller.withLock { caller -> CheckedContinuation<T, any Error>? in
            guard !caller.finished else { return nil }
            caller.finished = true
            defer { caller.continuation = nil }
            return caller.continuation
        }
        guard let continuation else { return }
        timer.withLock { $0?.cancel() }
        continuation.resume(with: result)
    }
}

/// How many operations hold a connection.
private final class Holding: Sendable {
    let count = Atomic(0)
}

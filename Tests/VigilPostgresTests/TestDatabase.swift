import Foundation
import Synchronization
import VigilBench
import VigilCore
import VigilPostgres

/// One PostgreSQL cluster for the whole test run, and in it a new database for each test, copied
/// from a template that is migrated once. The cluster stops when the test process exits.
enum TestDatabase {
    private static let cluster: Result<LocalPostgres, any Error> = {
        let result = Result { try LocalPostgres() }
        if case .success = result { atexit { if case .success(let cluster) = TestDatabase.cluster { cluster.stop() } } }
        return result
    }()

    private static let template = Task<Void, any Error> {
        let postgres = try cluster.get()
        _ = try postgres.sql("CREATE DATABASE vigil_template")
        let store = try await PostgresStore(url: postgres.url(database: "vigil_template"), connections: 2)
        await store.close()
    }

    private static let counter = Counter()

    /// The cluster, started on first use.
    static func postgres() throws -> LocalPostgres { try cluster.get() }

    /// The URL of a new, migrated, empty database.
    static func fresh() async throws -> String {
        try await template.value
        let postgres = try cluster.get()
        let name = "vigil_\(counter.next())"
        _ = try postgres.sql("CREATE DATABASE \(name) TEMPLATE vigil_template")
        return postgres.url(database: name)
    }

    /// A store on a new database; close it when done.
    static func store() async throws -> PostgresStore {
        try await PostgresStore(url: try await fresh(), connections: 4)
    }

    private final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.add(1, ordering: .relaxed).newValue }
    }
}

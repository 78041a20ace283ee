import VigilBench
import VigilPostgres

/// A new database for each test in the process's one cluster (``LocalPostgres/shared()``),
/// copied from a template that is migrated once.
enum TestDatabase {
    private static let template = Task<Void, any Error> {
        let postgres = try await LocalPostgres.shared()
        try await postgres.execute("CREATE DATABASE vigil_template")
        let store = try await PostgresStore(url: postgres.url(database: "vigil_template"), connections: 1)
        await store.close()
        // A copy is refused while anyone is connected to the template: wait for the store's
        // connection to be gone.
        for _ in 0..<100 {
            if try await postgres.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'vigil_template'") == "0" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func postgres() async throws -> LocalPostgres { try await LocalPostgres.shared() }

    /// The URL of a new, migrated, empty database.
    static func fresh() async throws -> String {
        try await template.value
        return try await LocalPostgres.shared().createDatabase(template: "vigil_template")
    }

    /// A store on a new database; close it when done.
    static func store() async throws -> PostgresStore {
        try await PostgresStore(url: try await fresh(), connections: 4)
    }
}

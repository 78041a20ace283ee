import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilPostgres
import VigilSQLite
import VigilServer

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring a PostgreSQL store's schema up to date; grant the nodes' role; move a SQLite install into it.",
        discussion: """
            Run as the role that owns Vigil's tables. --grant lets the role the nodes sign in as read and write \
            what Vigil writes, and only add to the audit chain and the readings. --copy-sqlite copies the SQLite \
            store of --data into the PostgreSQL database, which must be empty; the data folder's keys and audit \
            anchor stay where they are, and `vigil serve --data DIR --postgres URL` goes on from there.
            """
    )

    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("The role the nodes sign in as.", valueName: "role"))
    var grant: String?

    @Flag(name: .customLong("copy-sqlite"), help: "Copy the SQLite store of --data into the (empty) PostgreSQL database.")
    var copySQLite = false

    func run() async throws {
        let configuration = try ConfigurationLoader.load(flags: dataOptions.values)
        guard let url = configuration.postgres?.value else { throw CommandFailure("vigil migrate needs --postgres URL") }
        let target: PostgresStore
        do {
            target = try await PostgresStore(url: url, connections: 4)
            if let grant { try await target.grant(to: grant) }
            if copySQLite {
                try configuration.requireExistingData()
                guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
                    throw CommandFailure("no SQLite store at \(configuration.databasePath) to copy")
                }
                let copied = try await StoreMove.copy(from: try SQLiteStore(path: configuration.databasePath), to: target)
                print("Copied \(configuration.databasePath) to \(PostgresLocation.redacted(url)):")
                for (table, rows) in copied.sorted(by: { $0.key < $1.key }) where rows > 0 { print("  \(table): \(rows)") }
            }
        } catch let error as VigilError {
            throw CommandFailure(error.message)
        }
        await target.close()
        print("PostgreSQL at \(PostgresLocation.redacted(url)) is up to date\(grant.map { "; \($0) may read and write it" } ?? "").")
    }
}

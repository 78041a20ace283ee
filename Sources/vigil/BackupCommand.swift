import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a file, consistently, while the server runs.",
        discussion: """
            Writes FILE (the SQLite database, by SQLite's online backup) and FILE.head (the anchor of its audit \
            chain, signed with the audit key). The keys are not in the backup: keep them apart, and give their \
            directory to `vigil restore --keys`.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @Option(help: ArgumentHelp("The backup file to create.", valueName: "file")) var out: String

    func run() async throws {
        let configuration = try ConfigurationLoader.load(flags: dataOptions.values)
        try configuration.requireExistingData()
        if configuration.postgres != nil {
            throw CommandFailure(
                "vigil backup copies the SQLite store; a PostgreSQL store is backed up by PostgreSQL (pg_basebackup and WAL archiving: docs/deploy.md)"
            )
        }
        var logger = Logger(label: "vigil")
        logger.logLevel = .warning
        let taken: DataBackup.Taken
        do {
            taken = try await DataBackup.take(configuration: configuration, to: out, logger: logger)
        } catch let error as VigilError {
            throw CommandFailure(error.message)
        }
        print("Backed up \(configuration.databasePath) to \(taken.file), audit chain to record \(taken.head?.seq ?? 0) (anchor \(taken.anchor)).")
        print("Keep these key files apart from the backup; `vigil restore --keys DIR` needs the audit key:")
        for key in taken.keys { print("  \(key)") }
    }
}

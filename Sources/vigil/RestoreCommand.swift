import ArgumentParser
import Foundation
import VigilCore
import VigilServer

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new data directory and verify its audit chain.",
        discussion: """
            Copies FILE into the database of --data (a directory that does not exist or is empty), FILE.head as \
            its audit anchor, and the key files found in --keys (audit.key, required; token-signing.key and \
            broker-server.key, made anew when missing). Exits 1 when the restored audit chain is not intact.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @Option(help: ArgumentHelp("The backup file written by `vigil backup`.", valueName: "file")) var from: String
    @Option(help: ArgumentHelp("The directory of the key files kept apart (audit.key, …).", valueName: "dir")) var keys: String

    func run() async throws {
        let configuration = try ConfigurationLoader.load(flags: dataOptions.values)
        if configuration.postgres != nil {
            throw CommandFailure("vigil restore restores a SQLite backup; a PostgreSQL store is restored by PostgreSQL (docs/deploy.md)")
        }
        let restored: DataBackup.Restored
        do {
            restored = try await DataBackup.restore(from: from, keys: keys, into: configuration)
        } catch let error as VigilError {
            throw CommandFailure(error.message)
        }
        print("Restored \(from) into \(configuration.dataDirectory) with \(restored.keysCopied.count) key files.")
        if !restored.keysMissing.isEmpty {
            print("Not in \(keys), made anew at start: \(restored.keysMissing.joined(separator: ", ")).")
        }
        try restored.verification.printOrFail()
    }
}

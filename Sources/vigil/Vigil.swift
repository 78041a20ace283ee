import ArgumentParser
import Foundation
import VigilServer

/// `vigil`: the server and its tools.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Vigil: an open-source Internet of Medical Things platform.",
        discussion: """
            Start the server with `vigil serve` (embedded SQLite in ./vigil-data, HTTP on 127.0.0.1:8080). \
            Every option of `serve` can also be set with an environment variable VIGIL_<OPTION> \
            (VIGIL_DATA, VIGIL_HTTP, VIGIL_TLS_CERT, …); VIGIL_ADMIN_PASSWORD sets the first admin's password.
            """,
        version: VigilVersion.current,
        subcommands: [
            ServeCommand.self, DemoCommand.self, SimulateCommand.self, UsersCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self,
            MigrateCommand.self,
            PolicyCommand.self,
            BrokerConfigCommand.self, BenchCommand.self, ChildCommand.self,
        ],
        defaultSubcommand: nil
    )

    /// Answers a near miss (`vigil server`, `--port`) with what was meant, then runs the command.
    static func main() async {
        if let hint = CommandHint.hint(for: Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data("Error: \(hint)\n".utf8))
            Foundation.exit(64)
        }
        await main(nil)
    }
}

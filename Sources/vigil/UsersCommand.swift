import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage accounts in a data directory (also possible while the server runs).",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self]
    )

    /// The runtime of a data directory, for account changes made from the command line.
    static func runtime(_ options: DataOptions) async throws -> VigilRuntime {
        try await runtime(try ConfigurationLoader.load(flags: options.values))
    }

    /// The runtime of an existing data directory: a folder that does not exist is refused, not
    /// created empty with new keys.
    static func runtime(_ configuration: VigilConfiguration) async throws -> VigilRuntime {
        try configuration.requireExistingData()
        var logger = Logger(label: "vigil")
        logger.logLevel = .warning
        let store = try await VigilApplication.openStore(configuration: configuration, logger: logger)
        return try VigilApplication.makeRuntime(configuration: configuration, store: store, logger: logger)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account.",
            discussion: "The password is read from standard input (--password-stdin) or asked for; never from the command line."
        )

        @OptionGroup var dataOptions: DataOptions
        @Argument(help: "Username: a-z 0-9 . _ - @") var username: String
        @Option(help: ArgumentHelp("admin, physician, nurse, school-nurse, caregiver, public-health or researcher")) var role: String
        @Option(
            name: .customLong("fhir-user"),
            help: ArgumentHelp("Practitioner/ID or RelatedPerson/ID the account acts as (required for care roles)", valueName: "reference"))
        var fhirUser: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let password = try readPassword(fromStdin: passwordStdin)
            let runtime = try await UsersCommand.runtime(dataOptions)
            let user = try await AccountService(runtime: runtime).create(
                username: username, password: password, role: role, fhirUser: fhirUser, by: nil, client: "cli"
            )
            print("Created \(user.username) (\(user.role.rawValue)\(user.fhirUser.map { ", acting as \($0)" } ?? "")).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            let runtime = try await UsersCommand.runtime(dataOptions)
            let users = try await runtime.store.users()
            print("USERNAME".padding(24) + "ROLE".padding(15) + "FHIR USER".padding(40) + "STATE")
            for user in users {
                print(
                    user.username.padding(24) + user.role.rawValue.padding(15) + (user.fhirUser?.description ?? "-").padding(40)
                        + (user.disabled ? "disabled" : "active"))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its tokens stop working on their next request.")
        @OptionGroup var dataOptions: DataOptions
        @Argument var username: String

        func run() async throws { try await setDisabled(true, username, dataOptions) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var dataOptions: DataOptions
        @Argument var username: String

        func run() async throws { try await setDisabled(false, username, dataOptions) }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set an account's password (needs the data folder): every token and session it had ends.",
            discussion: "The password is read from standard input (--password-stdin) or asked for; never from the command line."
        )
        @OptionGroup var dataOptions: DataOptions
        @Argument var username: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let password = try readPassword(fromStdin: passwordStdin)
            let runtime = try await UsersCommand.runtime(dataOptions)
            _ = try await AccountService(runtime: runtime).change(
                username: username, role: nil, password: password, disabled: nil, fhirUser: nil, by: nil, client: "cli")
            print("Set the password of \(username); the tokens and sessions it had have ended.")
        }
    }

    static func setDisabled(_ disabled: Bool, _ username: String, _ options: DataOptions) async throws {
        let runtime = try await runtime(options)
        _ = try await AccountService(runtime: runtime).change(
            username: username, role: nil, password: nil, disabled: disabled, fhirUser: nil, by: nil, client: "cli"
        )
        print("\(disabled ? "Disabled" : "Enabled") \(username).")
    }
}

/// A password from standard input or an interactive prompt without echo.
func readPassword(fromStdin: Bool) throws -> String {
    if fromStdin || isatty(STDIN_FILENO) == 0 {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw CommandFailure("no password on standard input") }
        return line
    }
    guard let first = getpass("Password: ").map({ String(cString: $0) }), let second = getpass("Again: ").map({ String(cString: $0) }) else {
        throw CommandFailure("no password given")
    }
    guard first == second else { throw CommandFailure("the passwords differ") }
    return first
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

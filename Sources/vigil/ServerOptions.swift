import ArgumentParser
import Configuration
import Logging
import VigilCore
import VigilServer

/// Options shared by every command that opens a data directory.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Data directory: database, keys, audit anchor. [env: VIGIL_DATA] (default: ./vigil-data)", valueName: "dir"))
    var data: String?

    @Option(
        name: .customLong("audit-key"),
        help: ArgumentHelp(
            "The audit chain's HMAC key file; keep it on another volume than the database. [env: VIGIL_AUDIT_KEY] (default: <data>/keys/audit.key)",
            valueName: "file"))
    var auditKey: String?

    @Option(
        help: ArgumentHelp(
            "Keep the record in PostgreSQL instead of SQLite in the data folder; several nodes may share one (postgres://user:password@host:5432/db?sslmode=verify-full&sslrootcert=ca.pem). [env: VIGIL_POSTGRES]",
            valueName: "url"))
    var postgres: String?

    /// The flags that were given, as configuration values.
    var values: [String: String] {
        var values: [String: String] = [:]
        if let data { values["data"] = data }
        if let auditKey { values["auditKey"] = auditKey }
        if let postgres { values["postgres"] = postgres }
        return values
    }
}

enum ConfigurationLoader {
    /// Reads the configuration: flags first, then `VIGIL_*` environment variables, then defaults.
    static func load(flags: [String: String]) throws -> VigilConfiguration {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags { values[AbsoluteConfigKey([key])] = ConfigValue(.string(value), isSecret: false) }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["VIGIL_ADMIN_PASSWORD", "VIGIL_MQTT", "VIGIL_POSTGRES"])).prefixKeys(
                with: "vigil"),
        ])
        do {
            return try VigilConfiguration(reader: reader)
        } catch {
            throw CommandFailure(error.message)
        }
    }

    /// Sets up logging once for the process: text or JSON lines, at the configured level.
    static func bootstrapLogging(_ configuration: VigilConfiguration) -> Logger {
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let json = configuration.logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "vigil")
        logger.logLevel = level
        return logger
    }
}

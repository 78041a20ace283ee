import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Vigil server.",
        discussion: """
            With no options: embedded SQLite in ./vigil-data and HTTP on 127.0.0.1:8080, nothing to set up. \
            On first start with no accounts, creates the user `admin` with the password in VIGIL_ADMIN_PASSWORD, \
            or generates one and prints it once. SIGTERM or SIGINT stops it gracefully: it stops accepting, \
            commits and answers what it accepted, then exits.
            """
    )

    @OptionGroup var dataOptions: DataOptions

    @Option(
        help: ArgumentHelp("Address to serve HTTP on (port 0: any free port). [env: VIGIL_HTTP] (default: 127.0.0.1:8080)", valueName: "host:port"))
    var http: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain: serve HTTPS. [env: VIGIL_TLS_CERT]", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert. [env: VIGIL_TLS_KEY]", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("trusted-proxies"),
        help: ArgumentHelp(
            "Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed: comma-separated networks. [env: VIGIL_TRUSTED_PROXIES] (default: none)",
            valueName: "list"))
    var trustedProxies: String?

    @Option(
        name: .customLong("cors-origins"),
        help: ArgumentHelp(
            "Browser apps allowed to call the API: comma-separated origins like https://app.example.org. [env: VIGIL_CORS_ORIGINS] (default: none)",
            valueName: "list"))
    var corsOrigins: String?

    @Option(help: ArgumentHelp("HL7 v2 (IHE PCD-01) over MLLP: listen here. [env: VIGIL_MLLP]", valueName: "host:port"))
    var mllp: String?

    @Option(
        name: .customLong("mllp-senders"),
        help: ArgumentHelp(
            "Who may send HL7: comma-separated FACILITY@NETWORK[@ZONE] (MSH-4, the network it connects from, the time zone of its local times). [env: VIGIL_MLLP_SENDERS]",
            valueName: "list"))
    var mllpSenders: String?

    @Option(
        name: .customLong("mllp-authorities"),
        help: ArgumentHelp(
            "PID-3.4 assigning authorities and the Patient.identifier.system each stands for: comma-separated NAME=SYSTEM. [env: VIGIL_MLLP_AUTHORITIES]",
            valueName: "list"))
    var mllpAuthorities: String?

    @Option(
        name: .customLong("mllp-tls"),
        help: ArgumentHelp(
            "MLLP over TLS with --tls-cert and --tls-key when they are given: on or off. [env: VIGIL_MLLP_TLS] (default: on)", valueName: "on|off"))
    var mllpTLS: String?

    @Option(
        help: ArgumentHelp(
            "MQTT broker to take readings from; without user and password, anonymous (or, with --broker-config, the server's own account). [env: VIGIL_MQTT]",
            valueName: "mqtt://[user:password@]host:port"))
    var mqtt: String?

    @Option(
        name: .customLong("mqtt-ca"),
        help: ArgumentHelp("PEM certificate authorities for mqtts:// (default: the system's). [env: VIGIL_MQTT_CA]", valueName: "file"))
    var mqttCA: String?

    @Option(
        name: .customLong("broker-config"),
        help: ArgumentHelp(
            "Keep Mosquitto's password file, ACL and mosquitto.conf in this directory, rewritten (and the broker signalled) when device credentials change. [env: VIGIL_BROKER_CONFIG]",
            valueName: "dir"))
    var brokerConfig: String?

    @Option(
        name: .customLong("postgres-connections"),
        help: ArgumentHelp("The most connections this node opens to PostgreSQL. [env: VIGIL_POSTGRES_CONNECTIONS] (default: 16)", valueName: "n"))
    var postgresConnections: String?

    @Option(help: ArgumentHelp("Run the clinical rules (scores, alerts): on or off. [env: VIGIL_RULES] (default: on)", valueName: "on|off"))
    var rules: String?

    @Option(help: ArgumentHelp("A clinical policy document (JSON) instead of the standard one. [env: VIGIL_POLICY]", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Cohort definitions (a JSON array) replacing or joining the shipped ones. [env: VIGIL_COHORTS]", valueName: "file"))
    var cohorts: String?

    @Option(
        name: .customLong("location-retention"),
        help: ArgumentHelp(
            "Days wearers' location pings are kept before they are erased. [env: VIGIL_LOCATION_RETENTION] (default: 21)", valueName: "days"))
    var locationRetention: String?

    @Option(
        name: .customLong("export-retention"),
        help: ArgumentHelp("Hours a bulk export's files are kept after it ends. [env: VIGIL_EXPORT_RETENTION] (default: 24)", valueName: "hours"))
    var exportRetention: String?

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "Where people open the dashboard, for links in notifications. [env: VIGIL_PUBLIC_URL] (default: the HTTP listener)", valueName: "url"))
    var publicURL: String?

    @Option(
        name: .customLong("webhook-allow"),
        help: ArgumentHelp(
            "Private networks webhooks may reach: comma-separated networks. [env: VIGIL_WEBHOOK_ALLOW] (default: none)", valueName: "list"))
    var webhookAllow: String?

    @Option(
        name: .customLong("webhook-ca"),
        help: ArgumentHelp("PEM certificate authorities to trust for webhooks besides the system's. [env: VIGIL_WEBHOOK_CA]", valueName: "file"))
    var webhookCA: String?

    @Option(
        name: .customLong("smtp"),
        help: ArgumentHelp("The mail relay for e-mail notifications. [env: VIGIL_SMTP] (default: none)", valueName: "host:port"))
    var smtp: String?

    @Option(
        name: .customLong("smtp-from"),
        help: ArgumentHelp("The address notifications come from. [env: VIGIL_SMTP_FROM] (default: vigil@localhost)", valueName: "address"))
    var smtpFrom: String?

    @Option(
        name: .customLong("sms-gateway"),
        help: ArgumentHelp(
            "The HTTP gateway for text messages and pages; its token in VIGIL_SMS_GATEWAY_TOKEN. [env: VIGIL_SMS_GATEWAY] (default: none)",
            valueName: "url"))
    var smsGateway: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text or json. [env: VIGIL_LOG_FORMAT] (default: text)", valueName: "format"))
    var logFormat: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error, critical. [env: VIGIL_LOG_LEVEL] (default: info)", valueName: "level"))
    var logLevel: String?

    func run() async throws {
        var flags = dataOptions.values
        for (key, value) in [
            ("http", http), ("tlsCert", tlsCert), ("tlsKey", tlsKey), ("trustedProxies", trustedProxies), ("corsOrigins", corsOrigins),
            ("mllp", mllp), ("mllpSenders", mllpSenders), ("mllpAuthorities", mllpAuthorities), ("mllpTLS", mllpTLS),
            ("mqtt", mqtt),
            ("mqttCA", mqttCA), ("brokerConfig", brokerConfig), ("postgresConnections", postgresConnections),
            ("rules", rules), ("policy", policy), ("cohorts", cohorts), ("locationRetention", locationRetention),
            ("exportRetention", exportRetention), ("publicURL", publicURL), ("webhookAllow", webhookAllow), ("webhookCA", webhookCA),
            ("smtp", smtp), ("smtpFrom", smtpFrom), ("smsGateway", smsGateway),
            ("logFormat", logFormat),
            ("logLevel", logLevel),
        ] {
            if let value { flags[key] = value }
        }
        let configuration = try ConfigurationLoader.load(flags: flags)
        let logger = ConfigurationLoader.bootstrapLogging(configuration)
        let runtime: VigilRuntime
        do {
            let store = try await VigilApplication.openStore(configuration: configuration, logger: logger)
            runtime = try VigilApplication.makeRuntime(configuration: configuration, store: store, logger: logger)
        } catch let error as VigilError {
            throw CommandFailure(error.message)
        }
        switch try await AdminBootstrap.run(runtime: runtime) {
        case .createdWithGeneratedPassword(let password):
            print(
                """
                Created the first account. It is shown only this once; store it now.
                  username: admin
                  password: \(password)
                """)
        case .createdWithConfiguredPassword:
            print("Created the first account `admin` with the password from VIGIL_ADMIN_PASSWORD.")
        case .existing:
            if configuration.adminPassword != nil {
                print(
                    """
                    VIGIL_ADMIN_PASSWORD is set but not used: the account `admin` already exists in \(configuration.dataDirectory).
                    It sets the password on the first start only; to change it: vigil users reset-password admin --data \(configuration.dataDirectory)
                    """)
            }
        }
        // Several nodes on one database: the leading node writes them (``BrokerSync``).
        await runtime.leadership.claim()
        if configuration.brokerConfig != nil, runtime.leadership.isLeading {
            do {
                try await runtime.broker.writeFiles()
            } catch {
                throw CommandFailure("cannot write the broker configuration: \(error)")
            }
        }
        if geteuid() == 0 {
            logger.warning(
                "running as root: the data folder, the keys and a broker it configures (`user root` in mosquitto.conf) are root's; run Vigil as a user of its own (docs/operations.md)"
            )
        }
        let scheme = configuration.tlsCertificate == nil ? "http" : "https"
        if scheme == "http", !["127.0.0.1", "::1", "localhost"].contains(configuration.httpHost) {
            logger.warning(
                "serving plain HTTP beyond this machine: tokens and patient data cross the network unencrypted; give --tls-cert and --tls-key")
        }
        let mllpScheme = configuration.mllpTLS && configuration.tlsCertificate != nil ? "mllps" : "mllp"
        do {
            let app = try VigilApplication.build(
                runtime: runtime,
                onListening: { address in
                    print("Vigil is listening on \(scheme)://\(address)")
                    fflush(nil)
                },
                onMLLPListening: { address in
                    print("Vigil takes HL7 v2 on \(mllpScheme)://\(address)")
                    fflush(nil)
                })
            try await VigilApplication.run(app, configuration: configuration)
        } catch let error as VigilError {
            throw CommandFailure(error.message)
        }
    }
}
